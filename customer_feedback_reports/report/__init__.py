from . import customer_feedback_report
from . import customer_feedback_customer_history
from . import customer_feedback_analysis_report
from . import customer_feedback_reception_slip
