import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A Feedback User's morning: the overview, an overdue figure, its list and
// kanban (a card dragged to the next state), two duplicates merged, then a
// caller's number typed in the hotline quick entry and the call added to
// the caller's open ticket. The tickets are made, and every step's effect
// checked, by customer_feedback/tests/test_ui_morning_tour.py.
const DEPARTMENT = "Customer Service";
const STARTED = "CF morning router shows no signal";
const DUPLICATE = "CF morning invoice charged twice";
const CALLER_PHONE = "+84 912 000 517";
const CALLER_NAME = "CF Morning Caller";
const CALL_NOTE = "CF morning the customer called about the double charge again";

const FEEDBACK_MENU = "customer_feedback.menu_customer_feedback_root";
const CARD = `.o_kanban_view .o_kanban_record:has(a:contains(${DEPARTMENT}))`;
const KANBAN_CARD = (title) => `.o_kanban_record:contains(${title})`;
const COLUMN = (label) => `.o_kanban_view .o_kanban_group:has(.o_column_title:contains(${label}))`;
const ROW_OF = (title) => `.o_data_row:has(td[name=title]:contains(${title}))`;
const ROW = (title) => `.o_list_view ${ROW_OF(title)}`;

registry.category("web_tour.tours").add("customer_feedback_morning_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the CRM app: a Feedback User who sells nothing lands on the overview",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        // The overview
        {
            content: "the card of the user's department shows its overdue responses",
            trigger: `${CARD} tr:has(td:contains(Response)) a.text-danger:not(:text(0))`,
        },
        {
            content: "open the overdue responses of the department",
            trigger: `${CARD} tr:has(td:contains(Response)) a.text-danger`,
            run: "click",
        },
        // The overdue list
        {
            content: "the list is the figure's: the overdue tickets of the department",
            trigger: `.o_breadcrumb:contains(Response Overdue)`,
        },
        {
            content: "the ticket to start is listed",
            trigger: ROW(STARTED),
        },
        {
            content: "both duplicates are listed",
            trigger: `${ROW(DUPLICATE)}:eq(1)`,
        },
        // The kanban: a card dragged to the next state runs the transition
        {
            content: "switch to the kanban view",
            trigger: ".o_control_panel button.o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "drag the ticket back to New: no action leads there from Assigned",
            trigger: `${COLUMN("Assigned")} ${KANBAN_CARD(STARTED)}`,
            run: `drag_and_drop (${COLUMN("New")})`,
        },
        {
            content: "the refusal is the state machine's message",
            trigger: ".modal .modal-body:contains(Reset to new is not allowed for):contains(in state Assigned)",
        },
        {
            content: "close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "the card is back in its column",
            trigger: `body:not(:has(.modal)) ${COLUMN("Assigned")} ${KANBAN_CARD(STARTED)}`,
        },
        {
            content: "drag the ticket from Assigned to In Progress",
            trigger: `${COLUMN("Assigned")} ${KANBAN_CARD(STARTED)}`,
            run: `drag_and_drop (${COLUMN("In Progress")})`,
        },
        {
            content: "the card is in the In Progress column, no error shown",
            trigger: `body:not(:has(.modal)) ${COLUMN("In Progress")} ${KANBAN_CARD(STARTED)}`,
        },
        // Back to the list: the duplicates merged with the wizard
        {
            content: "switch back to the list",
            trigger: ".o_control_panel button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "the started ticket has its first response: it left the overdue list",
            trigger: `.o_list_view:has(${ROW_OF(DUPLICATE)}):not(:has(${ROW_OF(STARTED)}))`,
        },
        {
            content: "select the first duplicate",
            trigger: `${ROW(DUPLICATE)}:eq(0) .o_list_record_selector input[type=checkbox]`,
            run: "click",
        },
        {
            content: "select the second duplicate",
            trigger: `${ROW(DUPLICATE)}:eq(1) .o_list_record_selector input[type=checkbox]`,
            run: "click",
        },
        {
            content: "the first duplicate is selected",
            trigger: `${ROW(DUPLICATE)}:eq(0) .o_list_record_selector input:checked`,
        },
        {
            content: "the second duplicate is selected",
            trigger: `${ROW(DUPLICATE)}:eq(1) .o_list_record_selector input:checked`,
        },
        {
            content: "open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "merge the selected tickets",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Merge Tickets)",
            run: "click",
        },
        {
            content: "the wizard lists the two duplicates",
            trigger: `.modal .o_field_widget[name=ticket_ids] .o_data_row:eq(1):contains(${DUPLICATE})`,
        },
        {
            content: "merge",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "the ticket kept is shown",
            trigger: `body:not(:has(.modal)) .o_form_view .o_field_widget[name=title] input:value(${DUPLICATE})`,
        },
        // The hotline: the caller is known, the call goes on their open ticket
        {
            content: "open the Feedback menu of the CRM app",
            trigger: `.o_main_navbar button[data-menu-xmlid="${FEEDBACK_MENU}"]`,
            run: "click",
        },
        {
            content: "open the hotline quick entry",
            trigger: '.dropdown-item[data-menu-xmlid="customer_feedback.menu_customer_feedback_hotline"]',
            run: "click",
        },
        {
            content: "type the caller's number",
            trigger: ".modal .o_field_widget[name=phone] input",
            run: `edit ${CALLER_PHONE} && press Tab`,
        },
        {
            content: "the caller is found",
            trigger: `.modal .o_field_widget[name=partner_id] input:value(${CALLER_NAME})`,
        },
        {
            content: "their open ticket is shown: the one kept by the merge",
            trigger: `.modal .o_field_widget[name=open_ticket_ids] .o_data_row:contains(${DUPLICATE})`,
        },
        {
            content: "the call is about that ticket",
            trigger: ".modal .o_field_widget[name=call_mode] input[data-value=add]",
            run: "click",
        },
        {
            content: "the ticket is chosen",
            trigger: `.modal .o_field_widget[name=ticket_id] input:value(${DUPLICATE})`,
        },
        {
            content: "what the customer said",
            trigger: ".modal .o_field_widget[name=description] .odoo-editor-editable div.o-paragraph",
            run: `editor ${CALL_NOTE}`,
        },
        {
            content: "add the call to the ticket",
            trigger: ".modal button[name=action_add_to_ticket]",
            run: "click",
        },
        {
            content: "the ticket is shown with the call in its chatter",
            trigger: `body:not(:has(.modal)) .o_form_view:has(.o_field_widget[name=title] input:value(${DUPLICATE})) .o-mail-Message:contains(${CALL_NOTE})`,
        },
    ],
});
