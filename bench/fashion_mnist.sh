#!/usr/bin/env bash
# Fashion-MNIST accuracy recipe and training throughput against PyTorch; writes its own section of bench/RESULTS.md.
# Usage: bench/fashion_mnist.sh [accuracy|throughput|all]   (from a set-up repository: scripts/setup.sh Release)
# Environment: THREADS (intra-op threads, default: the core count), OMP_WAIT_POLICY (passed through; "passive" keeps
# OpenMP from spinning when other processes share the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
osprey="${OSPREY:-./osprey}"   # the launcher; a copy of the built CLI may be given (dotnet /path/Osprey.Cli.dll)
threads="${THREADS:-$(nproc)}"
export OMP_NUM_THREADS="$threads"
results=bench/RESULTS.md
log=bench/fashion_mnist.log
name="fmnist-bench-$(date +%Y%m%d-%H%M%S)"

# The recipe: SE-ResNet-18 at width 16 (base channels; 0.71 M parameters) with the small stem for 28x28 inputs,
# SGD + Nesterov, cosine schedule with a 1-epoch warmup, label smoothing, pad-2 random crops and flips, EMA of weights.
recipe=(train --task classify --model seresnet18 --width 16 --data fashion-mnist --epochs 15 --batch 128 --lr 0.1
        --workers 1 --seed 0 --name "$name" --set crop_pad=2 --set fliplr=0.5 --set label_smoothing=0.1
        --set ema=true --set ema_decay=0.999 --set weight_decay=5e-4)

section_begin="<!-- fashion-mnist:begin -->"
section_end="<!-- fashion-mnist:end -->"
write_section() {   # replaces (or appends) this benchmark's section, leaving the rest of the file alone
  printf '%s\n' "$1" | python3 bench/write_section.py "$results" fashion-mnist
}

machine="$(nproc --all) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $threads intra-op threads, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-default}, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
accuracy_md=""
throughput_md=""

if [[ "$what" == accuracy || "$what" == all ]]; then
  start=$(date +%s)
  $osprey "${recipe[@]}" 2>&1 | tee "$log"
  end=$(date +%s)
  wall=$((end - start))
  val=$($osprey val --weights "runs/classify/$name/best.ckpt" --data fashion-mnist)
  echo "$val"
  top1=$(sed -n 's/^top-1 \([0-9.]*%\).*/\1/p' <<<"$val")
  accuracy_md="### Accuracy run

\`\`\`
./osprey ${recipe[*]}
\`\`\`

- wall time: $((wall / 60)) min $((wall % 60)) s (training + per-epoch validation on the 10 000 test images)
- final test top-1 (best.ckpt, EMA weights, \`osprey val\`): **$top1**
- machine: $machine
- per-epoch results: \`runs/classify/$name/results.csv\`

\`\`\`
$(cat "runs/classify/$name/results.csv")
\`\`\`"
fi

if [[ "$what" == throughput || "$what" == all ]]; then
  dotnet build bench/TrainThroughput -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
  rows=""
  for width in 16 32 64; do
    osprey_line=$(dotnet bench/TrainThroughput/bin/Release/net10.0/TrainThroughput.dll --width $width --batch 128 --threads "$threads" --steps 10 --warmup 3)
    torch_line=$(/usr/bin/python3 bench/fashion_mnist_torch.py --width $width --batch 128 --threads "$threads" --steps 10 --warmup 3)
    echo "$osprey_line"; echo "$torch_line"
    o=$(sed -n 's/.*: \([0-9.]*\) images\/s.*/\1/p' <<<"$osprey_line")
    t=$(sed -n 's/.*: \([0-9.]*\) images\/s.*/\1/p' <<<"$torch_line")
    ratio=$(python3 -c "print(f'{$o / $t:.2f}')")
    rows+="| seresnet18 width $width, small stem, 1x28x28, batch 128 | $o | $t | ${ratio}x |
"
  done
  throughput_md="### Training throughput (images/s, forward + backward + SGD step on random batches)

Osprey: \`bench/TrainThroughput\` (the Trainer's step); PyTorch: \`bench/fashion_mnist_torch.py\` (same model, loop, batch, threads).
Machine: $machine.

| model | Osprey | PyTorch 1.13.1 | ratio |
| --- | ---: | ---: | ---: |
$rows"
fi

previous=""
if grep -q "$section_begin" "$results" 2>/dev/null; then
  previous=$(sed -n "/$section_begin/,/$section_end/p" "$results")
fi
keep_accuracy=$(sed -n '/^### Accuracy run/,/^### Training throughput/p' <<<"$previous" | sed '$d')
keep_throughput=$(sed -n '/^### Training throughput/,$p' <<<"$previous" | grep -v "$section_end" || true)
write_section "## Fashion-MNIST (classification, \`bench/fashion_mnist.sh\`)

${accuracy_md:-$keep_accuracy}

${throughput_md:-$keep_throughput}"
echo "bench: wrote the Fashion-MNIST section of $results"
