#!/usr/bin/env bash
# Regenerates Onnx.cs from onnx.proto (ONNX 1.12.0, IR version 8, opsets up to 17), copied from Debian 12's
# python3-onnx (/usr/lib/python3/dist-packages/onnx/onnx.proto) with one added line:
#   option csharp_namespace = "Osprey.Export.Onnx.Schema";
# Needs Debian's protobuf-compiler (protoc 3.21); the generated code runs on the Google.Protobuf NuGet runtime.
set -euo pipefail
cd "$(dirname "$0")"
protoc --csharp_out=. onnx.proto
