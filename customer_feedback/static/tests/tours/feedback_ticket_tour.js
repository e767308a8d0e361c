import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Values checked again in Python by customer_feedback/tests/test_ui_tour.py.
const CALLER_PHONE = "+84 912 000 471";
const CALLER_EMAIL = "cf.tour.caller@example.com";
const CALLER_NAME = "CF Tour Caller";
const SUBJECT = "CF tour hotline ticket";
const RESOLUTION = "CF tour resolution: a replacement was sent to the customer.";

const FEEDBACK_MENU = "customer_feedback.menu_customer_feedback_root";

function openFeedbackMenu(menuXmlid, content) {
    return [
        {
            content: "open the Feedback menu of the CRM app",
            trigger: `.o_main_navbar button[data-menu-xmlid="${FEEDBACK_MENU}"]`,
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

/**
 * The form shows ``state`` in its status bar and is idle again: the header
 * button ``nextButton``, only shown in that state, is enabled (the form
 * disables its buttons while it saves or runs a button).
 */
function statusIs(state, nextButton) {
    return {
        content: `the status bar shows the state ${state}`,
        trigger:
            `.o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value="${state}"]) ` +
            `.o_statusbar_buttons button[name=${nextButton}]:enabled`,
    };
}

registry.category("web_tour.tours").add("customer_feedback_ticket_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the CRM app",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        ...openFeedbackMenu(
            "customer_feedback.menu_customer_feedback_hotline",
            "open the hotline quick entry"
        ),
        // Hotline wizard (a dialog)
        {
            content: "the caller's phone",
            trigger: ".modal .o_field_widget[name=phone] input",
            run: `edit ${CALLER_PHONE}`,
        },
        {
            content: "the caller's email",
            trigger: ".modal .o_field_widget[name=email] input",
            run: `edit ${CALLER_EMAIL}`,
        },
        {
            content: "the caller's name (nobody matches: a contact will be created)",
            trigger: ".modal .o_field_widget[name=name] input",
            run: `edit ${CALLER_NAME}`,
        },
        {
            content: "open the kinds of feedback",
            trigger: ".modal .o_field_widget[name=kind] input",
            run: "click",
        },
        {
            content: "the kind of feedback: a complaint",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(Complaint)",
            run: "click",
        },
        {
            content: "the kind is set",
            trigger: ".modal .o_field_widget[name=kind] input:value(Complaint)",
        },
        {
            content: "the subject",
            trigger: ".modal .o_field_widget[name=title] input",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "create the ticket",
            trigger: ".modal button[name=action_create_ticket]",
            run: "click",
        },
        // Ticket form
        {
            content: "the dialog is closed and the ticket form is shown",
            trigger: `body:not(:has(.modal)) .o_form_view .o_field_widget[name=title] input:value(${SUBJECT})`,
        },
        {
            content: "the ticket came from the hotline",
            trigger: ".o_form_view .o_field_widget[name=channel] input:value(Hotline)",
        },
        {
            content: "the caller became the customer",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CALLER_NAME})`,
        },
        statusIs("assigned", "action_start"),
        {
            content: "start working on the ticket",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_start]",
            run: "click",
        },
        statusIs("in_progress", "action_resolve"),
        {
            content: "open the Resolution tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=resolution]",
            run: "click",
        },
        {
            content: "write the resolution",
            trigger: ".o_form_view .o_field_html[name=resolution] .odoo-editor-editable div.o-paragraph",
            run: `editor ${RESOLUTION}`,
        },
        {
            content: "resolve the ticket",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_resolve]",
            run: "click",
        },
        // The customer has an email: the resolution is sent and awaits their answer.
        statusIs("waiting", "action_customer_accept"),
        {
            content: "the confirmation section shows the customer's deadline to answer",
            trigger:
                ".o_form_view .o_field_widget[name=date_confirmation_deadline]:not(.o_field_empty)",
        },
        // List of all tickets
        ...openFeedbackMenu(
            "customer_feedback.menu_customer_feedback_ticket_all",
            "open All Tickets"
        ),
        {
            content: "the ticket's row is in the list",
            trigger: `.o_list_view .o_data_row:has(td[name=title]:contains(${SUBJECT}))`,
        },
        // Kanban
        {
            content: "switch to the kanban view",
            trigger: ".o_control_panel button.o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "the ticket's card is in the column of its state",
            trigger: `.o_kanban_view .o_kanban_group:has(.o_column_title:contains(Waiting for Confirmation)) .o_kanban_record:contains(${SUBJECT})`,
        },
        {
            content: "open the ticket from its card",
            trigger: `.o_kanban_view .o_kanban_record:contains(${SUBJECT})`,
            run: "click",
        },
        statusIs("waiting", "action_customer_accept"),
    ],
});
