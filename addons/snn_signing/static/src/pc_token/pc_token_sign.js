import { Component, onMounted, onWillUnmount, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const POLL_MS = 1000;

/** A refusal said to the official: the bridge's bilingual words, or ours. */
class BridgeProblem extends Error {}

/**
 * The holder signs with the token on their own PC. Odoo signs a request for exactly this
 * signature; this dialog hands it to the PC's token bridge (127.0.0.1), which shows the
 * official what is signed on a page of its own and asks them to confirm (the PIN stays on the
 * PC); the signature value comes back here and goes to Odoo, which checks it and finishes the
 * file. For the clerk's Issue (documentId), the bridge is asked first: when it does not answer,
 * nothing is numbered.
 */
export class PcTokenSignDialog extends Component {
    static template = "snn_signing.PcTokenSignDialog";
    static components = { Dialog };
    static props = {
        documentId: { type: Number, optional: true },
        requestId: { type: Number, optional: true },
        bridgeUrl: { type: String, optional: true },
        keyLabel: { type: String, optional: true },
        close: Function,
        onDone: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({
            phase: "connecting",
            error: "",
            helpUrl: "/snn_signing/static/src/pc_token/help.html",
            confirmUrl: "",
            code: "",
            subject: "",
        });
        this.stopped = false;
        onMounted(() => this.run());
        onWillUnmount(() => {
            this.stopped = true;
        });
    }

    async run() {
        try {
            let requestId = this.props.requestId;
            if (!requestId) {
                await this.checkBridge(this.props.bridgeUrl, this.props.keyLabel);
                requestId = await this.issue();
                if (!requestId) {
                    return;
                }
            }
            const data = await this.orm.call("snn.signature.request", "get_local_envelope", [
                [requestId],
            ]);
            Object.assign(this.state, { code: data.code, subject: data.subject });
            await this.checkBridge(data.bridge_url, data.key_label);
            const created = await this.bridge(data.bridge_url, "/v1/local/requests", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify(data.envelope),
            });
            this.state.confirmUrl = created.confirm_url;
            this.state.phase = "confirm";
            window.open(created.confirm_url, "_blank", "noopener");
            const answer = await this.waitForConfirmation(data.bridge_url, created);
            if (!answer) {
                return;
            }
            this.state.phase = "finishing";
            const result = await this.orm.call(
                "snn.signature.request",
                "action_submit_local_signature",
                [[requestId], created.request_id, answer.signature, answer.more_signatures || []]
            );
            this.props.onDone(result);
            this.props.close();
        } catch (error) {
            this.fail(error instanceof BridgeProblem ? error.message : error.data?.message || error.message);
        }
    }

    /** The clerk's Issue once the bridge answers: the request that then waits for this user. */
    async issue() {
        const id = this.props.documentId;
        this.state.phase = "issuing";
        const issued = await this.orm.call("snn.document", "action_issue", [[id]]);
        const [document] = await this.orm.read("snn.document", [id], ["awaiting_my_signature"]);
        if (!document.awaiting_my_signature) {
            this.props.onDone(issued);
            this.props.close();
            return false;
        }
        const action = await this.orm.call("snn.document", "action_sign_remotely", [[id]]);
        return action.params.request_id;
    }

    async checkBridge(url, keyLabel) {
        this.state.phase = "connecting";
        const answer = await this.bridge(url, "/v1/local/keys");
        if (keyLabel && !answer.keys.some((key) => key.label === keyLabel)) {
            throw new BridgeProblem(
                _t(
                    "The token bridge of this PC does not offer the key “%(key)s”: plug in the token that holds it, or check the bridge's configuration.",
                    { key: keyLabel }
                )
            );
        }
    }

    async bridge(url, path, options = {}) {
        let response;
        try {
            response = await fetch(url + path, { ...options, credentials: "omit" });
        } catch {
            throw new BridgeProblem(
                _t(
                    "The token bridge of this PC does not answer at %(url)s. Start it (snn-token-bridge --config token-bridge.local.toml), plug in your token, then press again. Nothing was numbered or signed.",
                    { url }
                )
            );
        }
        let body = {};
        try {
            body = await response.json();
        } catch {
            body = {};
        }
        if (!response.ok) {
            const words = body.error_vi && body.error_en ? `${body.error_vi} / ${body.error_en}` : body.error || response.statusText;
            throw new BridgeProblem(_t("The token bridge of this PC refused: %(why)s", { why: words }));
        }
        return body;
    }

    async waitForConfirmation(url, created) {
        const deadline = created.expires_at * 1000 + 5000;
        while (!this.stopped && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
            const status = await this.bridge(url, `/v1/local/requests/${created.id}`);
            if (status.status === "signed") {
                return status;
            }
            if (status.status === "declined") {
                throw new BridgeProblem(_t("You declined on the token bridge's page: nothing was signed."));
            }
            if (status.status !== "pending") {
                throw new BridgeProblem(
                    status.error || _t("The request at the token bridge ended (%(status)s): press again.", { status: status.status })
                );
            }
        }
        if (!this.stopped) {
            throw new BridgeProblem(_t("The request at the token bridge expired: press again."));
        }
        return null;
    }

    openConfirmation() {
        window.open(this.state.confirmUrl, "_blank", "noopener");
    }

    fail(message) {
        this.state.phase = "failed";
        this.state.error = message;
    }
}

// A client action that opens the dialog and ends when it closes: with the step's answer once
// signed (its confirmation, which reloads the document), with nothing when cancelled.
function pcTokenSign(env, action) {
    const params = action.params || {};
    return new Promise((resolve) => {
        let answer;
        env.services.dialog.add(
            PcTokenSignDialog,
            {
                documentId: params.document_id,
                requestId: params.request_id,
                bridgeUrl: params.bridge_url,
                keyLabel: params.key_label,
                onDone: (result) => {
                    answer = result;
                },
            },
            { onClose: () => resolve(answer) }
        );
    });
}

registry.category("actions").add("snn_signing.pc_token_sign", pcTokenSign);
