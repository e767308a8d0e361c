from . import customer_feedback_hotline_wizard
from . import customer_feedback_cancel_wizard
from . import customer_feedback_escalate_wizard
from . import customer_feedback_refuse_wizard
from . import customer_feedback_merge_wizard
