namespace Osprey.Export.Onnx;

/// <summary>A model that cannot be written as ONNX: names the ATen operator and the module that called it.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
