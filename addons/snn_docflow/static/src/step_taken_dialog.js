import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { WarningDialog } from "@web/core/errors/error_dialogs";
import { useService } from "@web/core/utils/hooks";
import { onWillDestroy } from "@odoo/owl";

/**
 * A step refused because the document has moved on (another clerk issued it first…): the
 * message says who did what and when; closing it reloads the page, so the form shows the
 * state the document is in and the buttons that state offers, not the old ones.
 */
export class StepTakenDialog extends WarningDialog {
    setup() {
        super.setup();
        const action = useService("action");
        onWillDestroy(() => action.doAction({ type: "ir.actions.client", tag: "soft_reload" }));
    }

    inferTitle() {
        return _t("The document has moved on");
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.snn_docflow.exceptions.StepTakenError", StepTakenDialog);
