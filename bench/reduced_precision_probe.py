"""bf16 and int8 inference in Debian's PyTorch 1.13.1 (the libtorch Osprey runs on), beside fp32: torchvision
ResNet-50 (random weights), 8x3x224x224, 2 threads, the median of 5 forwards after one warm-up (bf16: of 1). fp32
fx-fused + channels-last, TorchScript freeze + optimize_for_inference, bf16 (weights and input cast), and FX
post-training int8 (default qconfig, one calibration batch) on each quantized engine this build has.

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 bench/reduced_precision_probe.py
"""
import copy
import time

import torch
import torch.fx.experimental.optimization as fx_optimization
import torchvision
from torch.ao.quantization import get_default_qconfig_mapping
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx


def median_ms(run, n=5):
    run()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(sorted(times)[len(times) // 2] * 1000, 1)


def main():
    torch.set_num_threads(2)
    print("quantized engines:", torch.backends.quantized.supported_engines)
    x = torch.randn(8, 3, 224, 224)
    xc = x.contiguous(memory_format=torch.channels_last)
    model = torchvision.models.resnet50().eval()
    with torch.inference_mode():
        fused = fx_optimization.fuse(copy.deepcopy(model)).to(memory_format=torch.channels_last)
        print("fp32 fused channels-last", median_ms(lambda: fused(xc)))
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(fused)))
        print("fp32 jit freeze + optimize_for_inference", median_ms(lambda: frozen(xc)))
        half = copy.deepcopy(fused).to(torch.bfloat16)
        xb = xc.to(torch.bfloat16)
        print("bf16 fused channels-last", median_ms(lambda: half(xb), n=1),
              "max abs diff", (half(xb).float() - fused(xc)).abs().max().item())
    for engine in ("onednn", "qnnpack"):
        if engine not in torch.backends.quantized.supported_engines:
            continue
        torch.backends.quantized.engine = engine
        quantized = prepare_fx(copy.deepcopy(model), get_default_qconfig_mapping(engine), example_inputs=(x,))
        with torch.inference_mode():
            quantized(x)  # calibration
            quantized = convert_fx(quantized)
            print(engine, "int8", median_ms(lambda: quantized(x)), "channels-last input", median_ms(lambda: quantized(xc)))


if __name__ == "__main__":
    main()
