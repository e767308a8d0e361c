"""The records of the user's departments, as the record rules read them.

A Feedback User's rules on tickets, satisfaction answers and the statistics
grant the records of the departments the user leads or belongs to. Written
on the record's department (``department_id.member_ids`` /
``department_id.leader_id``), the ORM joins every record to its department
and looks its members up row by row: at 200,000 tickets, a Feedback User's
kanban and group-bys took twice the time of the manager's.
``in_my_departments`` says the same with one subquery on the user's
departments (archived ones too, as the path did), which PostgreSQL runs once
per query. It is kept free of any record id, so that the rule's cached
domain stays right when a department's members or leader change.

Models with a ``department_id`` inherit this mixin and write their rule on
``('in_my_departments', '=', True)``.
"""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL


class CustomerFeedbackMyDepartmentsMixin(models.AbstractModel):
    _name = "customer.feedback.my.departments.mixin"
    _description = "Feedback Records of My Departments"

    in_my_departments = fields.Boolean(
        compute="_compute_in_my_departments",
        search="_search_in_my_departments",
        help="The record belongs to a department the user leads or is a member of.",
    )

    @api.depends_context("uid")
    def _compute_in_my_departments(self):
        self.env.cr.execute(self._my_departments_sql())
        mine = {row[0] for row in self.env.cr.fetchall()}
        for record in self:
            record.in_my_departments = record.department_id.id in mine

    def _search_in_my_departments(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = Domain("department_id", "any", self._my_departments_sql())
        return domain if (True in value) == (operator == "in") else ~domain

    def _my_departments_sql(self):
        """The ids of the departments the user leads or belongs to."""
        Department = self.env["customer.feedback.department"]
        # read in SQL: a department's members or leader just changed are seen
        Department.flush_model(["member_ids", "leader_id"])
        members = Department._fields["member_ids"]
        return SQL(
            "SELECT %s FROM %s WHERE %s = %s UNION SELECT id FROM %s WHERE leader_id = %s",
            SQL.identifier(members.column1), SQL.identifier(members.relation),
            SQL.identifier(members.column2), self.env.uid,
            SQL.identifier(Department._table), self.env.uid,
        )
