import { Link } from "react-router";
import { Empty } from "../ui";

export function NotFoundPage() {
  return (
    <Empty title="There is nothing at this address">
      <p>
        <Link to="/">Back to your agents</Link>
      </p>
    </Empty>
  );
}
