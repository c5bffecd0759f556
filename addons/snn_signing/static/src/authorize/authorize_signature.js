import { Component, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The key holder authorises a remote signature: PIN and one-time code go from this dialog
 * straight to snn.signature.request.action_authorize (and on to the signing service); they
 * are never saved in a record, as a wizard's fields would be.
 */
export class AuthorizeSignatureDialog extends Component {
    static template = "snn_signing.AuthorizeSignatureDialog";
    static components = { Dialog };
    static props = { requestId: Number, close: Function, onSigned: Function };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ pin: "", otp: "", busy: false, error: "", sent: false, needs: null });
        onWillStart(async () => {
            this.state.needs = await this.orm.call(
                "snn.signature.request",
                "get_authorization_needs",
                [[this.props.requestId]]
            );
        });
    }

    async sendCode() {
        this.state.error = "";
        try {
            await this.orm.call("snn.signature.request", "action_send_otp", [[this.props.requestId]]);
            this.state.sent = true;
        } catch (error) {
            this.state.error = error.data?.message || error.message;
        }
    }

    async sign() {
        this.state.busy = true;
        this.state.error = "";
        try {
            const action = await this.orm.call(
                "snn.signature.request",
                "action_authorize",
                [[this.props.requestId]],
                { pin: this.state.pin, otp: this.state.otp }
            );
            this.props.onSigned(action);
            this.props.close();
        } catch (error) {
            this.state.error = error.data?.message || error.message;
        } finally {
            this.state.pin = "";
            this.state.busy = false;
        }
    }
}

// A client action that opens the dialog over the document the holder is reading and ends
// when it closes: with the step's answer once signed (its confirmation, then closing what
// opened it, which reloads the document issued), with nothing when cancelled.
function authorizeSignature(env, action) {
    return new Promise((resolve) => {
        let answer;
        env.services.dialog.add(
            AuthorizeSignatureDialog,
            {
                requestId: action.params.request_id,
                onSigned: (result) => {
                    answer = result;
                },
            },
            { onClose: () => resolve(answer) }
        );
    });
}

registry.category("actions").add("snn_signing.authorize_signature", authorizeSignature);
