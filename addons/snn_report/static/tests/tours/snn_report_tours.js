import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The Python test issues one document (on paper) in the register below; the clerk prints the
// register, the manager opens the periodic report and its analysis.

const REGISTER = "Sổ văn bản đi (tour sổ)";

function openMenu(menuXmlid) {
    return [
        ...stepUtils.goToAppSteps("snn_docflow.snn_document_menu_root", "Open Outgoing Documents"),
        {
            // Under "+" (More Menu) when the app's menus do not fit on the bar.
            content: "Open Reporting",
            trigger: `.o_main_navbar [data-menu-xmlid="snn_report.snn_report_menu"]:visible, .o_main_navbar .o_menu_sections_more button:visible`,
            run: "click",
        },
        {
            content: "Open the menu",
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"], a[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("snn_report_clerk_prints_register", {
    url: "/odoo",
    steps: () => [
        ...openMenu("snn_report.snn_register_print_menu"),
        {
            content: "The organisation's outgoing register is chosen, for this year",
            trigger: `.modal .o_field_widget[name=register_id]:contains("${REGISTER}"), .modal .o_field_widget[name=register_id] input`,
            run: function () {
                const input = document.querySelector(".modal .o_field_widget[name=register_id] input");
                if (input && input.value !== REGISTER) {
                    throw new Error(`register ${input.value}`);
                }
            },
        },
        {
            content: "Print the PDF",
            trigger: `.modal button[name="action_print_pdf"]`,
            run: "click",
        },
        {
            content: "The dialog closes without an error",
            trigger: `body:not(:has(.modal)):not(:has(.o_error_dialog))`,
        },
    ],
});

registry.category("web_tour.tours").add("snn_report_manager_opens_report", {
    url: "/odoo",
    steps: () => [
        ...openMenu("snn_report.snn_period_report_menu"),
        {
            content: "Year",
            trigger: `.modal .o_field_widget[name=period] input[data-value="year"]`,
            run: "click",
        },
        {
            content: "Open the analysis of the period",
            trigger: `.modal button[name="action_open_analysis"]`,
            run: "click",
        },
        {
            content: "The pivot counts the issued documents",
            trigger: `.o_pivot_view .o_pivot_measure_row:contains("Issued")`,
        },
        {
            content: "one document this year",
            trigger: `.o_pivot_view td.o_pivot_cell_value:contains("1")`,
        },
    ],
});

// The clerk prints the issued document (opened by its URL) on paper: three copies recorded
// once, the dialog closed, a confirmation of what was recorded. On a phone Print is under ⋮.
registry.category("web_tour.tours").add("snn_report_clerk_prints_paper", {
    steps: () => [
        {
            content: "The issued document's form, with Print (under ⋮ on a phone)",
            trigger: `.o_form_view .o_statusbar_buttons`,
            run: function () {
                const print = document.querySelector(
                    `.o_statusbar_buttons button[name="action_open_paper_print_wizard"]`
                );
                if (!print) {
                    document.querySelector(`.o_statusbar_buttons button[title="More"]`).click();
                }
            },
        },
        {
            content: "Print",
            trigger: `button[name="action_open_paper_print_wizard"]`,
            run: "click",
        },
        {
            content: "Three copies",
            trigger: `.modal .o_field_widget[name=copies] input`,
            run: "edit 3",
        },
        {
            content: "The file copy is kept by the clerks and the unit",
            trigger: `.modal .o_field_widget[name=file_copy_holder] input:value("VT, VP")`,
        },
        {
            content: "Print and Record",
            trigger: `.modal button[name="action_print"]`,
            run: "click",
        },
        {
            content: "The dialog closes and says what was recorded",
            trigger: `body:not(:has(.modal)) .o_notification:contains("3 paper copies recorded; file copy kept by VT, VP. The file is downloading.")`,
        },
        {
            content: "No error",
            trigger: `body:not(:has(.o_error_dialog))`,
        },
        {
            content: "Open the recipients",
            trigger: `.o_notebook a[name="recipients"]`,
            run: "click",
        },
        {
            content: "The document shows the three copies, once",
            trigger: `.o_form_view .o_field_widget[name=paper_copies]:contains("3")`,
        },
    ],
});
