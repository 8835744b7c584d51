/**
 * The agent on the business's phone number: how to point a Twilio number at it, whether the
 * workspace can check Twilio's requests (its auth token), and where a hand-off puts callers
 * through to. Calls themselves appear under Conversations with the channel "phone".
 */
import { useState, type FormEvent } from "react";
import { addPhoneNumber, getWorkspace, listPhoneNumbers, removePhoneNumber } from "../../client/sdk.gen";
import { call } from "../api";
import { useAction, useLoad } from "../load";
import { Field, FormStatus } from "../ui";
import { useAgent } from "./agent-page";

/** Numbers answered through LiveKit SIP: each has its trunk and dispatch rule in LiveKit. */
function SipNumbers({ agentId }: { agentId: string }) {
  const numbers = useLoad(() => call(listPhoneNumbers({ path: { agent_id: agentId } })), [agentId]);
  const [number, setNumber] = useState("");
  const action = useAction();

  const add = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const made = await call(addPhoneNumber({ path: { agent_id: agentId }, body: { number } }));
      numbers.set([...(numbers.data ?? []), made]);
      setNumber("");
    }, "Added. Point the number at your LiveKit project's SIP address at your trunk provider.");
  };
  const remove = (id: string) =>
    void action.run(async () => {
      await call(removePhoneNumber({ path: { agent_id: agentId, number_id: id } }));
      numbers.set((numbers.data ?? []).filter((n) => n.id !== id));
    }, "Removed.");

  return (
    <section className="card" aria-labelledby="sip-title">
      <h2 id="sip-title">Numbers on LiveKit SIP</h2>
      <p className="muted">
        For a number at any SIP trunk provider, answered through your LiveKit project (self-hosted with
        livekit-sip, or LiveKit Cloud) by <code>frontdesk agent-worker</code>.
      </p>
      <ol className="steps">
        <li>Add the number below: Frontdesk makes its inbound trunk and dispatch rule in your LiveKit project.</li>
        <li>
          At your trunk provider, send the number's calls to your project's SIP address (LiveKit Cloud shows it
          in the project's settings; self-hosted, the address and port livekit-sip listens on).
        </li>
        <li>
          With <code>frontdesk agent-worker</code> running, call the number: the agent answers, and the call appears
          under Conversations with the caller's number.
        </li>
      </ol>
      {numbers.data && numbers.data.length > 0 && (
        <ul className="plain-list">
          {numbers.data.map((n) => (
            <li key={n.id}>
              <strong>{n.number}</strong> <span className="muted">trunk {n.trunk_id}</span>{" "}
              <button type="button" onClick={() => remove(n.id)} disabled={action.busy}>
                Remove {n.number}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <Field label="Phone number" id="sip-number">
          <input id="sip-number" value={number} onChange={(e) => setNumber(e.target.value)} placeholder="+1 555 010 0000" required />
        </Field>
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Adding…" : "Add number"}
        </button>
        <FormStatus error={action.error ?? numbers.error} done={action.done} />
      </form>
    </section>
  );
}

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
      <SipNumbers agentId={agent.id} />
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
