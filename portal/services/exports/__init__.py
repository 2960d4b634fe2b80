"""Export of the answers to a questionnaire across orders, as CSV and XLSX.

answers_table() is the use case (permission and tenancy, read only); to_csv()/to_xlsx() write
a Table; cells.neutralise() makes formula-like texts inert in both.
"""

from portal.services.exports.answers import answers_table
from portal.services.exports.cells import neutralise
from portal.services.exports.files import Table, to_csv, to_xlsx

__all__ = ["Table", "answers_table", "neutralise", "to_csv", "to_xlsx"]
