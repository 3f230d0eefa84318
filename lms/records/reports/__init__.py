"""HR reports over the participation ledger: the dashboard, departments, agents with their
learning scores, one agent's history and appraisal record, certificate expiries and
knowledge gaps; every report also as XLSX and CSV.

Every figure of 学时 comes from ``hours.daily_tenths`` (SQL) or ``training_record`` (one
person), so a report's total equals what each person sees on their own record. People come
from ``accounts.services``, refreshers from the training area, certificates and knowledge
gaps from the exams area, each through that area's services.

    periods      PeriodKind, Period, choose_period, month helpers
    tables       Column, ReportTable, the XLSX and CSV of report tables
    refreshers   refresher tallies from the training area
    departments  who counts, the department tree, the department report
    agents       agent lines and the learning score
    history      one agent's history and certificates
    appraisal    the appraisal record
    expiries     certificates about to expire
    dashboard    twelve months by month
    knowledge_gaps  the exams area's knowledge gaps as a table
"""

from lms.records.reports.agents import (
    WEIGHTS,
    AgentLine,
    agent_lines,
    agents_table,
    hours_part,
    learning_score,
    pro_rated_target,
)
from lms.records.reports.appraisal import (
    Acknowledgement,
    Appraisal,
    acknowledgements,
    appraisal,
    appraisal_tables,
    attendance_label,
)
from lms.records.reports.dashboard import MonthlyFigures, Series, dashboard
from lms.records.reports.departments import (
    Branch,
    DepartmentReport,
    DepartmentRow,
    Figures,
    branches,
    department_report,
    department_table,
)
from lms.records.reports.expiries import ExpiryLine, expiries, expiries_table
from lms.records.reports.history import (
    AgentHistory,
    CertificateLine,
    HoursBucket,
    agent_history,
    certificate_lines,
    certificates_table,
    history_tables,
)
from lms.records.reports.knowledge_gaps import TagGap, knowledge_gaps, knowledge_gaps_table
from lms.records.reports.periods import (
    Period,
    PeriodKind,
    add_months,
    choose_period,
    month_start,
    percent,
)
from lms.records.reports.refreshers import (
    RefresherLine,
    RefresherTally,
    refresher_compliance,
    refresher_lines,
    refresher_tallies,
)
from lms.records.reports.tables import Column, ReportTable, table_rows_for_csv, write_spreadsheet

__all__ = [
    "WEIGHTS",
    "Acknowledgement",
    "AgentHistory",
    "AgentLine",
    "Appraisal",
    "Branch",
    "CertificateLine",
    "Column",
    "DepartmentReport",
    "DepartmentRow",
    "ExpiryLine",
    "Figures",
    "HoursBucket",
    "MonthlyFigures",
    "Period",
    "PeriodKind",
    "RefresherLine",
    "RefresherTally",
    "ReportTable",
    "Series",
    "TagGap",
    "acknowledgements",
    "add_months",
    "agent_history",
    "agent_lines",
    "agents_table",
    "appraisal",
    "appraisal_tables",
    "attendance_label",
    "branches",
    "certificate_lines",
    "certificates_table",
    "choose_period",
    "dashboard",
    "department_report",
    "department_table",
    "expiries",
    "expiries_table",
    "history_tables",
    "hours_part",
    "knowledge_gaps",
    "knowledge_gaps_table",
    "learning_score",
    "month_start",
    "percent",
    "pro_rated_target",
    "refresher_compliance",
    "refresher_lines",
    "refresher_tallies",
    "table_rows_for_csv",
    "write_spreadsheet",
]
