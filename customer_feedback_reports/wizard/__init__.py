from . import customer_feedback_analysis_wizard
