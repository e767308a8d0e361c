from datetime import datetime

from odoo.tests import tagged

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestPartner(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_2 = cls.env["res.partner"].create({
            "name": "CF Customer Contact 2", "parent_id": cls.customer_company.id,
        })
        ctx_env = cls.env(context=dict(cls.env.context, feedback_no_acknowledgement=True))
        cls.t_complaint = cls._create_ticket(
            env=ctx_env, partner_id=cls.customer_contact.id, kind="complaint",
            date_received=datetime(2026, 1, 5, 8, 0),
        )
        cls.t_company = cls._create_ticket(
            env=ctx_env, partner_id=cls.customer_company.id, kind="praise",
            date_received=datetime(2026, 2, 20, 14, 30),
        )
        cls.t_contact_2 = cls._create_ticket(
            env=ctx_env, partner_id=cls.contact_2.id, kind="complaint",
            date_received=datetime(2026, 1, 25, 10, 0),
        )
        cls.t_other = cls._create_ticket(
            env=ctx_env, partner_id=cls.customer_key.id, kind="complaint",
            date_received=datetime(2026, 3, 1, 10, 0),
        )

    def test_counters_over_commercial_entity(self):
        self.t_company.action_start()
        self.t_company.resolution = "<p>thanks</p>"
        self.t_company.action_resolve()
        self.t_company.action_close()
        partners = self.customer_company + self.customer_contact + self.contact_2
        partners.invalidate_recordset()
        for partner in partners:
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.feedback_count, 3)
                self.assertEqual(partner.feedback_open_count, 2)
                self.assertEqual(partner.feedback_complaint_count, 2)
                self.assertEqual(partner.feedback_last_date, datetime(2026, 2, 20, 14, 30))
        self.assertEqual(self.customer_key.feedback_count, 1)
        self.assertEqual(self.customer_key.feedback_complaint_count, 1)
        self.assertEqual(self.customer_noemail.feedback_count, 0)
        self.assertEqual(self.customer_noemail.feedback_open_count, 0)
        self.assertFalse(self.customer_noemail.feedback_last_date)

    def test_counters_follow_new_tickets(self):
        self.assertEqual(self.customer_company.feedback_count, 3)
        self._create_ticket(partner_id=self.contact_2.id, date_received=datetime(2026, 3, 9))
        self.customer_company.invalidate_recordset()
        self.assertEqual(self.customer_company.feedback_count, 4)
        self.assertEqual(self.customer_company.feedback_last_date, datetime(2026, 3, 9))

    def test_counters_respect_companies(self):
        self._create_ticket(
            company_id=self.company_b.id, partner_id=self.customer_b.id,
        )
        self.assertEqual(self.customer_b.with_company(self.company_b).feedback_count, 1)

    def test_action_view_feedback(self):
        action = self.customer_contact.action_view_feedback()
        self.assertEqual(action["res_model"], "customer.feedback.ticket")
        self.assertEqual(
            action["domain"], [("commercial_partner_id", "=", self.customer_company.id)]
        )
        self.assertEqual(action["context"]["default_partner_id"], self.customer_contact.id)
        found = self.env["customer.feedback.ticket"].search(action["domain"])
        self.assertEqual(found, self.t_complaint + self.t_company + self.t_contact_2)

    def test_crm_lead_feedback(self):
        lead = self.env["crm.lead"].create({
            "name": "CF Opportunity", "partner_id": self.customer_company.id,
            "type": "opportunity",
        })
        other_lead = self.env["crm.lead"].create({"name": "CF Other Opportunity"})
        (self.t_complaint + self.t_contact_2).lead_id = lead
        lead.invalidate_recordset()
        self.assertEqual(lead.feedback_count, 2)
        self.assertEqual(other_lead.feedback_count, 0)
        self.assertEqual(lead.feedback_ticket_ids, self.t_complaint + self.t_contact_2)
        action = lead.action_view_feedback()
        self.assertEqual(action["res_model"], "customer.feedback.ticket")
        self.assertEqual(action["domain"], [("lead_id", "=", lead.id)])
        self.assertEqual(action["context"]["default_lead_id"], lead.id)
        self.assertEqual(action["context"]["default_partner_id"], self.customer_company.id)
        self.assertEqual(
            self.env["customer.feedback.ticket"].search(action["domain"]),
            self.t_complaint + self.t_contact_2,
        )

    def test_lead_team_flows_to_ticket(self):
        team = self.env["crm.team"].create({"name": "CF Team"})
        lead = self.env["crm.lead"].create({"name": "CF Opp", "team_id": team.id})
        ticket = self._create_ticket(lead_id=lead.id)
        self.assertEqual(ticket.team_id, team)

    def test_partner_contact_copied_on_ticket(self):
        self.assertEqual(self.t_complaint.partner_name, "CF Customer Contact")
        self.assertEqual(self.t_complaint.partner_email, "nguyen.an@cf-customer.example.com")
        self.assertEqual(self.t_complaint.partner_phone, "+84 901 234 567")
        self.assertEqual(self.t_complaint.commercial_partner_id, self.customer_company)
