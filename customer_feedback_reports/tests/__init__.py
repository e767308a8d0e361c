from . import test_reception_slip
from . import test_analysis_report
from . import test_feedback_report_view
from . import test_customer_history
from . import test_management_review
