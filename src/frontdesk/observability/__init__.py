"""Operations: readiness checks, structured logs with request and conversation ids, and
Prometheus metrics for requests, jobs and conversations."""
