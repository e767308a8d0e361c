from odoo import models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _get_number_next_actual(self):
        """A gap-free sequence whose numbers are taken as references
        (customer.feedback.reference) shows the number the next ticket gets:
        its row's counter is then only the administrator's floor."""
        super()._get_number_next_actual()
        gap_free = self.filtered(lambda seq: (
            seq.id and seq.implementation == "no_gap" and seq.code == "customer.feedback.ticket"
        ))
        if not gap_free:
            return
        # sudo: references are read by nobody but this code; the number
        # they lead to is the sequence's own information
        next_numbers = self.env["customer.feedback.reference"].sudo()._next_numbers(gap_free)
        for sequence in gap_free:
            sequence.number_next_actual = next_numbers[sequence.id]

    def write(self, vals):
        """A ticket sequence switched between "standard" and "no gap" goes on
        from its next number: Odoo's own switch restarts it from the row's
        counter, which neither implementation keeps current here (a standard
        one counts in PostgreSQL, ours in references), and a reference
        already given would be given again."""
        switching = self.filtered(lambda seq: (
            seq.code == "customer.feedback.ticket"
            and vals.get("implementation") not in (None, seq.implementation)
            and "number_next" not in vals and "number_next_actual" not in vals
        ))
        # computed without dependencies: a value read earlier may be stale
        switching.invalidate_recordset(["number_next_actual"])
        for sequence in switching:
            super(IrSequence, sequence).write({**vals, "number_next": sequence.number_next_actual})
        return super(IrSequence, self - switching).write(vals)
