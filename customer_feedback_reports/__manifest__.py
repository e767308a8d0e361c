{
    "name": "Customer Feedback Reports",
    "summary": "Reception slips, management analysis and customer history as PDF",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-feedback/customer-feedback",
    "author": "Customer Feedback contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["customer_feedback"],
    "data": [
        "report/customer_feedback_reception_slip_report.xml",
        "report/customer_feedback_reception_slip_templates.xml",
    ],
}
