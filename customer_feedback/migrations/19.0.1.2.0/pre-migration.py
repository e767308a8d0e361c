"""The customer emails changed: their answer and rating buttons moved out of
the text (into the customer's copy only), their dates are written for the
customer, and they come from the company's feedback address.

The templates are ``noupdate`` so that a company may edit them, and Odoo
never updates such records. These are removed before the upgrade, which
creates them again as the module ships them, with their translations (the
acknowledgement of 19.0.1.3.0, which tells an unverified sender of the
public form what to do and links the complaint policy, included: a database
of 19.0.1.1.0 runs this before loading it).
"""

CHANGED_TEMPLATES = (
    "mail_template_ticket_acknowledgement",
    "mail_template_ticket_promised_date",
    "mail_template_ticket_resolution",
    "mail_template_ticket_closure",
    "mail_template_satisfaction_invite",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        DELETE FROM mail_template
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'customer_feedback' AND model = 'mail.template'
                         AND name IN %s)
        """,
        (CHANGED_TEMPLATES,),
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'customer_feedback' AND model = 'mail.template' AND name IN %s
        """,
        (CHANGED_TEMPLATES,),
    )
