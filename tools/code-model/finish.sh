#!/usr/bin/env bash
# Background tail of a training run: optionally exports/evaluates a snapshot of the checkpoint at a
# given UTC time while training continues (so a complete model + card exists by a deadline), then
# waits for the training process to exit and runs export -> validate -> evaluate -> card on the
# final checkpoint. Usage (from anywhere):
#   nohup setsid bash tools/code-model/finish.sh TRAIN_PID [HH:MM] > tools/.work/finish.log 2>&1 &
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PID=$1
AT=${2:-}
WORK=tools/.work

others_running() {  # an export/evaluate started by someone else: do not run two at once
  pgrep -f "tools/code-model/(export|evaluate).py" >/dev/null
}

snapshot_chain() {
  # A consistent copy of the checkpoint (it is rewritten every 5 minutes).
  for try in 1 2 3 4 5; do
    cp "$WORK/checkpoint.pt" "$WORK/snapshot.pt" &&
      /usr/bin/python3 -c "import torch,sys; torch.load(sys.argv[1])" "$WORK/snapshot.pt" 2>/dev/null && break
    sleep 5
  done
  CODE_MODEL_CHECKPOINT="$WORK/snapshot.pt" bash tools/train-code-model.sh --skip-train
}

if [[ -n "$AT" ]]; then
  target=$(date -u -d "$AT" +%s)
  while kill -0 "$PID" 2>/dev/null && [[ $(date -u +%s) -lt $target ]]; do sleep 10; done
  if kill -0 "$PID" 2>/dev/null; then
    echo "$(date -u +%T) interim export of the running training (snapshot of checkpoint.pt)"
    while others_running; do sleep 10; done
    # Smaller evaluation while training still uses the CPUs.
    CODE_MODEL_EVAL_LANG_CAP=250000 CODE_MODEL_EVAL_LINES=100 snapshot_chain
    echo "$(date -u +%T) interim chain finished"
  fi
fi
while kill -0 "$PID" 2>/dev/null; do sleep 10; done
echo "$(date -u +%T) training process $PID ended"
tail -2 "$WORK/train.log"
while others_running; do sleep 10; done
if [[ models/genai-code-tiny/MODEL_CARD.md -nt "$WORK/checkpoint.pt" && "$WORK/eval.json" -nt "$WORK/checkpoint.pt" ]]; then
  echo "$(date -u +%T) the final checkpoint was already exported and evaluated by someone else"
  exit 0
fi
snapshot_chain
echo "$(date -u +%T) final chain finished"
