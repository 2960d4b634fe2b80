"""Complete, valid sample answers to the questionnaires (v1 and v2): demo order, tests, benchmarks."""

import datetime

# Dates the questionnaires want in the future (go-live, next year-end deadline) stay ahead.
_NEXT_YEAR = datetime.date.today().year + 1

CONTACT = {
    "name": "Anna Muster",
    "role": "IT-Leitung",
    "email": "anna.muster@example.de",
    "phone": "+49 (351) 123456-0",
    "joins_setup_call": True,
}
TECH_COMMON = {
    "test_system": True,
    "client_os": ["windows_11", "citrix"],
    "client_installation": "software_distribution",
    "named_users": 25,
    "concurrent_users": 10,
    "directory_service": "hybrid",
    "ad_domain": "corp.example.com",
    "mfa_required": True,
    "remote_access_allowed": True,
    "remote_access_tool": "other",
    "remote_access_tool_other": "BeyondTrust",
    # "per_session" or "attended" would ask for a deputy among the IT contacts (v2).
    "remote_access_approval": "unattended",
    "firewall_lead_time_days": 5,
    "proxy_host": "proxy.corp.example.com",
    "proxy_port": 8080,
    "rpo_hours": 24,
    "rto_hours": 8,
    "security": {"data_residency": "eu_eea", "certifications": ["iso_27001"], "dpa_required": True},
    "data_sources": [
        {
            "system": "SAP S/4HANA",
            "vendor": "SAP",
            "version": "2023",
            "delivery": "file",
            "file_format": "csv",
            "frequency": "monthly",
            "data_content": ["trial_balance", "intercompany"],
        },
        {"system": "DATEV", "delivery": "odbc", "frequency": "daily"},
    ],
    "it_contacts": [CONTACT],
}
ON_PREMISES = dict(
    TECH_COMMON,
    server={
        "server_layout": "separate_servers",
        "operating_system": "windows_server_2022",
        "virtualisation": "vmware",
        "cpu_cores": 8,
        "ram_gb": 32,
        "disk_gb": 200,
    },
    sql_server={
        "version": "2022",
        "edition": "standard",
        "instance": "SQLPROD01\\CPCE,1433",
        "collation": "Latin1_General_CI_AS",
        "auth_mode": "mixed",
        "sysadmin_for_setup": True,
    },
    sql_port=1433,
    firewall_between_clients_and_server=True,
    server_internet_access=False,
    backup_responsibility="customer_it",
    backup_method="sql_native",
)
CP_CLOUD = dict(
    TECH_COMMON,
    cloud_access_path="remote_desktop",
    cloud_bandwidth_mbit=100,
    cloud_fixed_ips=True,
    # Public on purpose: documentation ranges (203.0.113.0/24, 2001:db8::/32) are not (v2).
    cloud_ip_allow_list=[
        {"address": "80.156.12.0/28", "description": "HQ"},
        {"address": "2003:a:1b2c::/48"},
    ],
    cloud_vpn_required=True,
    cloud_vpn_type="site_to_site",
    cloud_sso_required=True,
    cloud_sso_provider="entra_id",
)


BUSINESS = {
    "company_name": "Muster Holding AG",
    "group_currency": "EUR",
    "legal_entities": [
        {"name": "Muster Holding AG", "country": "DE", "local_currency": "EUR", "is_parent": True},
        {
            "name": "Muster CH AG",
            "country": "CH",
            "local_currency": "CHF",
            "is_parent": False,
            "ownership_share": 51.5,
            "consolidation_method": "full",
        },
    ],
    "group_changes_planned": False,
    "fiscal_year_start": "01",
    "special_periods": 1,
    "accounting_standards": ["hgb", "ifrs"],
    "leading_standard": "hgb",
    "coa_status": "group_coa",
    "coa_source": "SAP",
    "coa_account_count": 800,
    "coa_mapping": "cpce",
    "ic_exists": True,
    "ic_types": ["loans"],
    "ic_partner_coded": True,
    "ic_reconciliation_today": "spreadsheet",
    "processes": {
        "legal_consolidation": True,
        "management_reporting": True,
        "budgeting": True,
        "forecast": False,
        "mid_term_planning": False,
        "cash_planning": False,
    },
    "consolidation_frequency": "quarterly",
    "planning_approach": "counter_flow",
    "segment_reporting": False,
    "current_tools": "Excel",
    "reports": [
        {
            "name": "Monatsbericht",
            "recipient": "management",
            "frequency": "monthly",
            "deadline_working_days": 8,
            "output_format": "pdf",
        }
    ],
    "year_end_deadline": f"{_NEXT_YEAR}-03-31",
    "report_languages": ["de", "en"],
    "users_by_function": {"group_accounting": 3, "controlling": 4, "entity_accounting": 12},
    "go_live_date": f"{_NEXT_YEAR}-09-01",
    "first_period": f"{_NEXT_YEAR}-01",
    "history_years": 1,
    "business_contacts": [CONTACT],
}
