from odoo.tests import tagged

from .common import FeedbackCommon


@tagged("post_install", "-at_install")
class TestRouting(FeedbackCommon):
    # ------------------------------------------------------------------
    # Department
    # ------------------------------------------------------------------

    def test_category_gives_department(self):
        ticket_a = self._create_ticket(category_id=self.cat_a.id)
        ticket_b = self._create_ticket(category_id=self.cat_b.id)
        self.assertEqual(ticket_a.department_id, self.dept_a)
        self.assertEqual(ticket_b.department_id, self.dept_b)

    def test_child_category_inherits_parent_department(self):
        ticket = self._create_ticket(category_id=self.cat_a_child.id)
        self.assertEqual(ticket.department_id, self.dept_a)
        # grandchild too
        grandchild = self.env["customer.feedback.category"].create({
            "name": "CF Screw", "parent_id": self.cat_a_child.id, "company_id": self.company_a.id,
        })
        ticket = self._create_ticket(category_id=grandchild.id)
        self.assertEqual(ticket.department_id, self.dept_a)
        # the child's own department wins over the parent's
        self.cat_a_child.department_id = self.dept_b
        ticket = self._create_ticket(category_id=grandchild.id)
        self.assertEqual(ticket.department_id, self.dept_b)

    def test_no_category_goes_to_fallback(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.department_id, self.dept_fallback)
        ticket = self._create_ticket(category_id=self.cat_orphan.id)
        self.assertEqual(ticket.department_id, self.dept_fallback)

    def test_changing_category_reroutes(self):
        ticket = self._create_ticket(category_id=self.cat_a.id)
        ticket.category_id = self.cat_b
        self.assertEqual(ticket.department_id, self.dept_b)

    def test_second_company_uses_own_fallback(self):
        ticket = self._create_ticket(
            company_id=self.company_b.id, partner_id=self.customer_b.id,
        )
        self.assertEqual(ticket.department_id, self.dept_fallback_b)
        self.assertEqual(ticket.user_id, self.user_company_b)
        ticket = self._create_ticket(
            company_id=self.company_b.id, partner_id=self.customer_b.id,
            category_id=self.cat_orphan.id,
        )
        self.assertEqual(ticket.department_id, self.dept_fallback_b)
        # and company A still uses its own
        self.assertEqual(self._create_ticket().department_id, self.dept_fallback)

    def test_mixed_companies_in_one_batch(self):
        tickets = self.Ticket.create([
            {"title": "CF A", "partner_id": self.customer_noemail.id},
            {"title": "CF B", "company_id": self.company_b.id, "partner_id": self.customer_b.id},
        ])
        self.assertEqual(tickets[0].department_id, self.dept_fallback)
        self.assertEqual(tickets[1].department_id, self.dept_fallback_b)

    # ------------------------------------------------------------------
    # Priority
    # ------------------------------------------------------------------

    def test_kind_gives_priority(self):
        expected = {
            "complaint": self.prio_urgent,
            "criticism": self.prio_normal,
            "technical_support": self.prio_normal,
            "product_request": self.prio_normal,
            "question": self.prio_normal,
            "suggestion": self.prio_low,
            "praise": self.prio_low,
            "other": self.prio_low,
        }
        for kind, priority in expected.items():
            with self.subTest(kind=kind):
                ticket = self._create_ticket(kind=kind, category_id=self.cat_a.id)
                self.assertEqual(ticket.priority_id, priority)

    def test_complaint_takes_most_urgent_level(self):
        # a new level even more urgent than ours becomes the complaint level
        top = self.env["customer.feedback.priority"].create({
            "name": "CF Critical", "sequence": 0, "response_hours": 1, "resolution_hours": 4,
            "use_working_hours": False,
        })
        ticket = self._create_ticket(kind="complaint")
        self.assertEqual(ticket.priority_id, top)

    def test_kind_change_recomputes_priority(self):
        ticket = self._create_ticket(kind="praise")
        self.assertEqual(ticket.priority_id, self.prio_low)
        ticket.kind = "complaint"
        self.assertEqual(ticket.priority_id, self.prio_urgent)

    def test_category_priority_wins_over_kind(self):
        ticket = self._create_ticket(kind="complaint", category_id=self.cat_low.id)
        self.assertEqual(ticket.priority_id, self.prio_low)
        # inherited from the parent category as well
        child = self.env["customer.feedback.category"].create({
            "name": "CF Leaflet", "parent_id": self.cat_low.id, "company_id": self.company_a.id,
        })
        ticket = self._create_ticket(kind="complaint", category_id=child.id)
        self.assertEqual(ticket.priority_id, self.prio_low)

    def test_segment_raises_priority_one_level(self):
        contact = self.env["res.partner"].create({
            "name": "CF Key Contact", "parent_id": self.customer_key.id,
        })
        praise = self._create_ticket(kind="praise", partner_id=self.customer_key.id)
        self.assertEqual(praise.priority_id, self.prio_normal, "low -> normal")
        question = self._create_ticket(kind="question", partner_id=contact.id)
        self.assertEqual(question.priority_id, self.prio_urgent,
                         "the contact's company segment counts: normal -> urgent")
        complaint = self._create_ticket(kind="complaint", partner_id=self.customer_key.id)
        self.assertEqual(complaint.priority_id, self.prio_urgent, "cannot go above the top")
        category = self._create_ticket(
            kind="praise", category_id=self.cat_low.id, partner_id=self.customer_key.id
        )
        self.assertEqual(category.priority_id, self.prio_normal,
                         "raises the category's priority too")

    def test_segment_without_raise_keeps_priority(self):
        self.customer_company.feedback_segment_id = self.segment_plain
        ticket = self._create_ticket(kind="praise", partner_id=self.customer_company.id)
        self.assertEqual(ticket.priority_id, self.prio_low)

    # ------------------------------------------------------------------
    # Assignee
    # ------------------------------------------------------------------

    def test_assignment_to_leader(self):
        ticket = self._create_ticket(category_id=self.cat_a.id)
        self.assertEqual(ticket.user_id, self.leader_a)
        self.assertEqual(self._create_ticket().user_id, self.leader_fallback)

    def test_explicit_assignee_kept(self):
        ticket = self._create_ticket(category_id=self.cat_a.id, user_id=self.user_a2.id)
        self.assertEqual(ticket.user_id, self.user_a2)

    def test_balanced_assignment_fewest_open(self):
        self.dept_a.assignment_method = "balanced"
        # user_a already has 2 open tickets (elsewhere), user_a2 one closed
        self._create_ticket(category_id=self.cat_b.id, user_id=self.user_a.id)
        self._create_ticket(category_id=self.cat_b.id, user_id=self.user_a.id)
        self._ticket_in_state("closed", category_id=self.cat_b.id, user_id=self.user_a2.id)
        ticket = self._create_ticket(category_id=self.cat_a.id)
        self.assertEqual(ticket.user_id, self.user_a2, "closed tickets do not count")

    def test_balanced_assignment_in_batch(self):
        self.dept_a.assignment_method = "balanced"
        self._create_ticket(category_id=self.cat_b.id, user_id=self.user_a.id)
        self._create_ticket(category_id=self.cat_b.id, user_id=self.user_a.id)
        tickets = self.Ticket.create([
            {"title": f"CF batch {i}", "category_id": self.cat_a.id,
             "partner_id": self.customer_noemail.id}
            for i in range(4)
        ])
        # a=2, a2=0 -> a2, a2, then tie 2/2 -> lowest id (a), then a2
        self.assertEqual(
            [t.user_id for t in tickets], [self.user_a2, self.user_a2, self.user_a, self.user_a2]
        )
        self.assertEqual(len(tickets.filtered(lambda t: t.user_id == self.user_a2)), 3)
        self.assertEqual(len(tickets.filtered(lambda t: t.user_id == self.user_a)), 1)
        # in the end both carry the same open load
        Ticket = self.Ticket
        load = {
            user: Ticket.search_count([("user_id", "=", user.id),
                                       ("state", "in", Ticket.OPEN_STATES)])
            for user in (self.user_a, self.user_a2)
        }
        self.assertEqual(load[self.user_a], 3)
        self.assertEqual(load[self.user_a2], 3)

    def test_balanced_counts_tickets_the_creator_cannot_see(self):
        """The load of a member is the same whoever creates the ticket."""
        self.dept_a.assignment_method = "balanced"
        self._create_ticket(category_id=self.cat_a.id, user_id=self.user_a.id)
        self._create_ticket(category_id=self.cat_a.id, user_id=self.user_a.id)
        self._create_ticket(category_id=self.cat_a.id, user_id=self.user_a2.id)
        # user_b (department B) cannot see those tickets, but creates one for A
        ticket = self._create_ticket(
            env=self.env(user=self.user_b), category_id=self.cat_a.id,
        )
        self.assertEqual(ticket.department_id, self.dept_a)
        self.assertEqual(ticket.user_id, self.user_a2)

    def test_balanced_without_members_falls_back_to_leader(self):
        self.dept_b.write({"assignment_method": "balanced", "member_ids": [(5, 0, 0)]})
        ticket = self._create_ticket(category_id=self.cat_b.id)
        self.assertEqual(ticket.user_id, self.user_b)

    # ------------------------------------------------------------------
    # Automatic advance after creation
    # ------------------------------------------------------------------

    def test_auto_advance_to_assigned(self):
        ticket = self._create_ticket(category_id=self.cat_a.id)
        self.assertEqual(ticket.state, "assigned")
        self.assertTrue(ticket.date_classified)
        self.assertTrue(ticket.date_assigned)

    def test_auto_advance_without_category_to_assigned(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.state, "assigned")
        self.assertFalse(ticket.date_classified, "nothing to classify without a category")
        self.assertTrue(ticket.date_assigned)

    def test_auto_advance_to_classified_only(self):
        ticket = self._create_ticket(category_id=self.cat_a.id, department_id=False)
        self.assertEqual(ticket.state, "classified")

    def test_no_fallback_stays_new(self):
        self.dept_fallback.is_fallback = False
        ticket = self._create_ticket()
        self.assertFalse(ticket.department_id)
        self.assertEqual(ticket.state, "new")
        self.assertFalse(ticket.user_id)

    def test_batch_create_mixed_routing(self):
        tickets = self.Ticket.create([
            {"title": "CF 1", "category_id": self.cat_a.id},
            {"title": "CF 2", "category_id": self.cat_b.id, "kind": "complaint"},
            {"title": "CF 3", "kind": "praise"},
            {"title": "CF 4", "category_id": self.cat_a.id, "department_id": False},
        ])
        no_department = self.env["customer.feedback.department"]
        self.assertEqual([t.department_id for t in tickets],
                         [self.dept_a, self.dept_b, self.dept_fallback, no_department])
        self.assertEqual(tickets.mapped("state"),
                         ["assigned", "assigned", "assigned", "classified"])
        self.assertEqual([t.user_id for t in tickets[:3]],
                         [self.leader_a, self.user_b, self.leader_fallback])
        self.assertFalse(tickets[3].user_id)
        self.assertEqual(tickets[1].priority_id, self.prio_urgent)
        self.assertEqual(len(set(tickets.mapped("name"))), 4, "each gets its own reference")
        self.assertNotIn("/", tickets.mapped("name"))
