"""The credential vault: secrets sealed with AES-GCM under a keyring of 256-bit keys.

Keys come from PORTAL_VAULT_KEY (config VAULT_KEY: base64 keys separated by commas, the first
one current) or else from the key file VAULT_KEY_FILE (one base64 key per line, the first line
current), which is created with a fresh key on first use outside production. Older keys only
decrypt; `flask vault rotate` moves every secret to the current key, one batch per transaction.
Nothing here prints, logs or raises with a plaintext or a key in it.

    keys.py      key ids, the keyring and its file
    sealing.py   seal() and reveal()
    rotation.py  status() and rotate()
    cli.py       `flask vault ...`
"""

from portal.vault.keys import (
    ENV_VARIABLE,
    Keyring,
    VaultError,
    encode_key,
    key_id,
    load_keyring,
    new_key,
    parse_keys,
)
from portal.vault.rotation import RotationReport, VaultStatus, rotate, status
from portal.vault.sealing import reveal, seal

__all__ = [
    "ENV_VARIABLE",
    "Keyring",
    "RotationReport",
    "VaultError",
    "VaultStatus",
    "encode_key",
    "key_id",
    "load_keyring",
    "new_key",
    "parse_keys",
    "reveal",
    "rotate",
    "seal",
    "status",
]
