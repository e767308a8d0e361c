"""The acknowledgement tells an unverified sender of the public form to
ignore it if they did not send the feedback, and why its button is there
(README, Confidentiality: trust model of the public form).

The template is ``noupdate`` (a company may edit it), so Odoo never updates
it: it is removed before the upgrade, which creates it again as the module
ships it, as 19.0.1.2.0 did for the customer emails.
"""

CHANGED_TEMPLATES = ("mail_template_ticket_acknowledgement",)


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
