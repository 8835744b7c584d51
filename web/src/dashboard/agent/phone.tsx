/**
 * The agent on the business's phone number: how to point a Twilio number at it, whether the
 * workspace can check Twilio's requests (its auth token), and where a hand-off puts callers
 * through to. Calls themselves appear under Conversations with the channel "phone".
 */
import { useState } from "react";
import { getWorkspace } from "../../client/sdk.gen";
import { call } from "../api";
import { useLoad } from "../load";
import { useAgent } from "./agent-page";

export function PhoneTab() {
  const { agent } = useAgent();
  // Workspace settings are for owners and admins; a member sees the steps without the check.
  const workspace = useLoad(() => call(getWorkspace()), []);
  const [copied, setCopied] = useState(false);
  const webhook = `${window.location.origin}/api/telephony/twilio/${agent.id}/voice`;
  const handoff = (agent.business_facts.handoff_contacts ?? []).find((c) => c.phone);
  const tokenSet = workspace.data?.settings.twilio_auth_token.set;

  const copy = () => {
    void navigator.clipboard?.writeText(webhook).then(() => setCopied(true));
  };

  return (
    <>
      <section className="card" aria-labelledby="twilio-title">
        <h2 id="twilio-title">A Twilio number</h2>
        <ol className="steps">
          <li>
            In <a href="/settings">Settings</a>, add your Twilio account's auth token.{" "}
            {tokenSet === true && <strong>It is set.</strong>}
            {tokenSet === false && <strong>It is not set yet: calls are refused until it is.</strong>}
          </li>
          <li>
            In Twilio's console, open the phone number and set <em>A call comes in</em> to a webhook,
            HTTP POST, at this address (Twilio must be able to reach it; behind a proxy set
            FRONTDESK_PUBLIC_URL to the address Twilio uses):
            <div className="copy-row">
              <code aria-label="Twilio webhook address">{webhook}</code>
              <button type="button" onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </button>
            </div>
          </li>
          <li>Call the number. The agent answers; the call appears under Conversations with the caller's number.</li>
        </ol>
      </section>
      <section className="card" aria-labelledby="handoff-title">
        <h2 id="handoff-title">Putting callers through</h2>
        {handoff ? (
          <p>
            A caller who asks for a person (or presses 0) is told so and put through to{" "}
            <strong>{handoff.name}</strong> at <strong>{handoff.phone}</strong>.
          </p>
        ) : (
          <p>
            No hand-off contact has a phone number: a caller who asks for a person is taken a message for the team
            instead. Add one under Settings → Business facts.
          </p>
        )}
      </section>
    </>
  );
}
