from odoo.tests import tagged, users, warmup

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestPerformance(FeedbackCommon):
    """Creating tickets in batch does not cost N times creating one.

    The customers have no email (no acknowledgement is mailed). What remains
    per ticket: its reference (ir.sequence, 2 queries each) and the email
    Odoo sends each assignee ("you have been assigned", ~12 queries each);
    routing, priority, assignment, deadlines, the automatic workflow steps
    and tracking are done once for the whole batch. Without the assignment
    email, 10 tickets cost 2 queries per extra reference plus a few for the
    followers of the second department's leader (24 -> 47).
    """

    def _vals(self, count, **extra):
        return [
            dict({
                "title": f"CF perf {i}",
                "kind": "complaint" if i % 2 else "question",
                "category_id": (self.cat_a if i % 3 else self.cat_b).id,
                "partner_id": self.customer_noemail.id,
            }, **extra)
            for i in range(count)
        ]

    @users("cf_manager")
    @warmup
    def test_create_1(self):
        Ticket = self.env["customer.feedback.ticket"]
        vals = self._vals(1)
        # +1 since the rating mixin: its stored last rating is computed for new tickets;
        # +2 since the escalation record: its insert and its next date;
        # +1 since the references taken as rows (a savepoint around the
        # insert of the batch's numbers, instead of the sequence's update)
        with self.assertQueryCount(cf_manager=46):
            Ticket.create(vals)

    @users("cf_manager")
    @warmup
    def test_create_10(self):
        Ticket = self.env["customer.feedback.ticket"]
        vals = self._vals(10)
        with self.assertQueryCount(cf_manager=168):
            tickets = Ticket.create(vals)
        self.assertEqual(set(tickets.mapped("state")), {"assigned"})
        self.assertEqual(len(set(tickets.mapped("name"))), 10)

    @users("cf_manager")
    @warmup
    def test_create_1_no_assign_mail(self):
        Ticket = self.env["customer.feedback.ticket"].with_context(
            mail_auto_subscribe_no_notify=True
        )
        with self.assertQueryCount(cf_manager=28):  # +1 rating mixin, +2 escalation, +1 references
            Ticket.create(self._vals(1))

    @users("cf_manager")
    @warmup
    def test_create_10_no_assign_mail(self):
        Ticket = self.env["customer.feedback.ticket"].with_context(
            mail_auto_subscribe_no_notify=True
        )
        with self.assertQueryCount(cf_manager=33):
            tickets = Ticket.create(self._vals(10))
        self.assertEqual(set(tickets.mapped("state")), {"assigned"})

    @users("cf_manager")
    @warmup
    def test_create_10_balanced(self):
        self.dept_a.sudo().assignment_method = "balanced"
        Ticket = self.env["customer.feedback.ticket"]
        vals = self._vals(10)
        with self.assertQueryCount(cf_manager=173):
            tickets = Ticket.create(vals)
        self.assertTrue(all(tickets.mapped("user_id")))
