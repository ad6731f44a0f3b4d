// A fixture workspace with known answers: a small project's docs and code, each question answered by
// exactly one passage. The files share vocabulary (server, cache, config, request...) on purpose so
// that ranking, not mere word presence, decides.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface KnownAnswer {
  question: string;
  /** The file holding the answer... */
  path: string;
  /** ...and text that the retrieved passage must contain. */
  answer: string;
}

const FILLER = [
  'The server keeps a small cache of recent requests and reads its configuration at start-up.',
  'Requests are logged with their duration; the log rotates daily and keeps a week of history.',
  'See the configuration reference for every option; defaults suit a laptop.',
];

function section(title: string, body: string): string {
  return `## ${title}\n\n${body}\n\n${FILLER.join(' ')}\n`;
}

export const FILES: Record<string, string> = {
  'README.md': `# Orbit\n\nOrbit is a job queue server written in TypeScript.\n\n${section('Install', 'Run npm install, then npm start. Node 20 or newer is required.')}\n${section('License', 'Orbit is released under the Apache 2.0 license.')}`,
  'docs/retries.md': `# Retries\n\n${section('Backoff', 'A failed job is retried with exponential backoff: 2 seconds, then 4, then 8, at most 6 attempts before it moves to the dead letter queue.')}`,
  'docs/auth.md': `# Authentication\n\n${section('Tokens', 'Clients authenticate with a bearer token signed with HMAC-SHA256. Tokens expire after 45 minutes and are refreshed through /auth/refresh.')}`,
  'docs/ports.md': `# Network\n\n${section('Ports', 'The HTTP API listens on port 7420 and the metrics endpoint on port 9464.')}`,
  'docs/storage.md': `# Storage\n\n${section('Database', 'Jobs are persisted in SQLite by default; set ORBIT_DB_URL to use PostgreSQL instead.')}\n${section('Vacuum', 'Completed jobs older than 30 days are purged by the nightly vacuum task at 03:00 UTC.')}`,
  'docs/priorities.md': `# Priorities\n\n${section('Levels', 'Each job has a priority from 0 to 9; 9 runs first. Jobs of equal priority run in arrival order.')}`,
  'docs/scheduling.md': `# Scheduling\n\n${section('Cron', 'Recurring jobs use cron expressions with an optional seconds field; the scheduler ticks every 500 milliseconds.')}`,
  'docs/deploy.md': `# Deployment\n\n${section('Containers', 'The official Docker image is orbit/server and runs as the unprivileged user orbit with uid 10001.')}\n${section('Health', 'Kubernetes probes should call /healthz for liveness and /readyz for readiness.')}`,
  'docs/limits.md': `# Limits\n\n${section('Payload', 'A job payload may not exceed 256 KiB; larger payloads are rejected with HTTP 413.')}\n${section('Rate limiting', 'Each API key may enqueue 1200 jobs per minute; excess requests receive HTTP 429.')}`,
  'docs/webhooks.md': `# Webhooks\n\n${section('Signatures', 'Webhook deliveries carry an X-Orbit-Signature header; verify it with the shared secret before trusting the body.')}`,
  'docs/cli.md': `# Command line\n\n${section('Drain', 'orbit drain --queue NAME stops accepting new jobs on a queue and waits for the running ones to finish.')}`,
  'docs/metrics.md': `# Metrics\n\n${section('Prometheus', 'Queue depth is exported as the gauge orbit_queue_depth, labelled by queue name.')}`,
  'docs/faq.md': `# FAQ\n\n${section('Timezone', 'All timestamps are stored in UTC; the dashboard converts them to the browser timezone.')}\n${section('Windows', 'Windows is supported through WSL2 only.')}`,
  'CHANGELOG.md': `# Changelog\n\n${section('2.3.0', 'Added job dependencies: a job can wait for other jobs with the dependsOn field.')}\n${section('2.2.0', 'Dropped support for Node 16.')}`,
  'src/config.ts': `// Server configuration.\nexport interface Config {\n  port: number;\n  workers: number;\n}\n\n/** Worker threads default to the number of CPU cores minus one, never fewer than 1. */\nexport function defaultWorkers(cores: number): number {\n  return Math.max(1, cores - 1);\n}\n`,
  'src/queue/visibility.ts': `// While a worker holds a job, other workers cannot see it.\n\n/** A claimed job becomes visible again if not acknowledged within this many seconds. */\nexport const VISIBILITY_TIMEOUT_SECONDS = 90;\n\nexport function isExpired(claimedAt: number, now: number): boolean {\n  return now - claimedAt > VISIBILITY_TIMEOUT_SECONDS * 1000;\n}\n`,
  'src/queue/dedupe.ts': `// Duplicate suppression.\n\n/** Two jobs with the same idempotency key within 24 hours are treated as one. */\nexport function dedupeKey(queue: string, idempotencyKey: string): string {\n  return \`\${queue}:\${idempotencyKey}\`;\n}\n\nexport const DEDUPE_WINDOW_HOURS = 24;\n`,
  'src/http/cors.ts': `// Cross-origin requests from the dashboard.\n\nexport const ALLOWED_ORIGINS = ['https://dashboard.orbit.dev'];\n\nexport function isAllowedOrigin(origin: string): boolean {\n  return ALLOWED_ORIGINS.includes(origin);\n}\n`,
  'src/util/hash.py': `# Sharding helper used by the Python client.\n\ndef shard_for(job_id: str, shards: int) -> int:\n    """Jobs are spread over shards with the FNV-1a hash of their id."""\n    h = 0xcbf29ce484222325\n    for b in job_id.encode():\n        h = ((h ^ b) * 0x100000001b3) % (1 << 64)\n    return h % shards\n`,
  'src/email.go': `package notify\n\n// SendFailureEmail notifies the queue owner by SMTP when a job lands in the dead letter queue.\nfunc SendFailureEmail(owner string, jobID string) error {\n\treturn smtpSend(owner, "Job "+jobID+" failed")\n}\n`,
  'docs/contributing.md': `# Contributing\n\n${section('Style', 'Code is formatted with Prettier using a print width of 120; run npm run format before committing.')}\n${section('Tests', 'Every pull request needs tests; npm test runs them with Vitest.')}`,
  'docs/encryption.md': `# Encryption\n\n${section('At rest', 'Job payloads can be encrypted at rest with AES-256-GCM when ORBIT_ENCRYPTION_KEY is set.')}`,
};

export const QUESTIONS: KnownAnswer[] = [
  { question: 'Which license is Orbit under?', path: 'README.md', answer: 'Apache 2.0' },
  { question: 'How many times is a failed job retried and how long is the backoff?', path: 'docs/retries.md', answer: 'at most 6 attempts' },
  { question: 'When do bearer tokens expire?', path: 'docs/auth.md', answer: '45 minutes' },
  { question: 'What port does the HTTP API listen on?', path: 'docs/ports.md', answer: '7420' },
  { question: 'How do I use PostgreSQL as the database?', path: 'docs/storage.md', answer: 'ORBIT_DB_URL' },
  { question: 'When are completed jobs purged?', path: 'docs/storage.md', answer: 'nightly vacuum' },
  { question: 'Which priority runs first?', path: 'docs/priorities.md', answer: '9 runs first' },
  { question: 'How often does the cron scheduler tick?', path: 'docs/scheduling.md', answer: '500 milliseconds' },
  { question: 'What user does the Docker image run as?', path: 'docs/deploy.md', answer: 'uid 10001' },
  { question: 'Which endpoint should the Kubernetes readiness probe call?', path: 'docs/deploy.md', answer: '/readyz' },
  { question: 'What is the maximum payload size of a job?', path: 'docs/limits.md', answer: '256 KiB' },
  { question: 'How many jobs per minute may an API key enqueue?', path: 'docs/limits.md', answer: '1200 jobs per minute' },
  { question: 'How do I verify a webhook signature?', path: 'docs/webhooks.md', answer: 'X-Orbit-Signature' },
  { question: 'How can I drain a queue before shutting down?', path: 'docs/cli.md', answer: 'orbit drain' },
  { question: 'Which Prometheus gauge exports the queue depth?', path: 'docs/metrics.md', answer: 'orbit_queue_depth' },
  { question: 'Are timestamps stored in UTC or local timezone?', path: 'docs/faq.md', answer: 'stored in UTC' },
  { question: 'Is Windows supported?', path: 'docs/faq.md', answer: 'WSL2' },
  { question: 'Which version added job dependencies?', path: 'CHANGELOG.md', answer: 'dependsOn' },
  { question: 'How many worker threads are started by default?', path: 'src/config.ts', answer: 'cores - 1' },
  { question: 'After how long does a claimed but unacknowledged job become visible again?', path: 'src/queue/visibility.ts', answer: 'VISIBILITY_TIMEOUT_SECONDS = 90' },
  { question: 'How long is the idempotency key window for duplicate jobs?', path: 'src/queue/dedupe.ts', answer: '24 hours' },
  { question: 'Which origins are allowed for CORS?', path: 'src/http/cors.ts', answer: 'dashboard.orbit.dev' },
  { question: 'What hash function spreads jobs over shards?', path: 'src/util/hash.py', answer: 'FNV-1a' },
  { question: 'Who gets an email when a job fails?', path: 'src/email.go', answer: 'SendFailureEmail' },
  { question: 'What print width does the Prettier formatting use?', path: 'docs/contributing.md', answer: '120' },
  { question: 'Which cipher encrypts payloads at rest?', path: 'docs/encryption.md', answer: 'AES-256-GCM' },
];

/** Writes the workspace into `dir`. */
export function writeFixtureWorkspace(dir: string): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
