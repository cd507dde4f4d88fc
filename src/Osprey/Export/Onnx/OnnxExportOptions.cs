namespace Osprey.Export.Onnx;

/// <summary>
/// How a model is written as ONNX. <see cref="Height"/>/<see cref="Width"/> and <see cref="Batch"/> are the traced
/// input size; <see cref="DynamicBatch"/> writes the batch axis as a symbol (the graph computes nothing from the
/// traced batch); <see cref="DynamicSize"/> does the same for height and width, exact for every size
/// Height + k <see cref="SizeStep"/> (k any integer; with a traced size that is a multiple of the step, every
/// multiple of it). The metadata fields are written as ultralytics writes them (names, stride, imgsz, task, batch),
/// plus the input normalization (mean, std).
/// </summary>
public sealed record OnnxExportOptions
{
    public long Batch { get; init; } = 1;
    public long Channels { get; init; } = 3;
    public long Height { get; init; } = 640;
    public long Width { get; init; } = 640;
    public bool DynamicBatch { get; init; }
    public bool DynamicSize { get; init; }
    /// <summary>The spacing of the sizes a dynamic graph accepts; default the model's: YOLO its largest stride, UNet
    /// 16 (four 2x2 poolings), the ResNet-based models (classifiers, PSPNet, DETR) 32.</summary>
    public long? SizeStep { get; init; }
    /// <summary>Segmentation: the multiple the native runner pads input sides to (16 for the padded UNet), written as
    /// metadata <c>size_divisor</c> so an ONNX Runtime segmenter windows images as the native one; set by the export.</summary>
    public long? SizeDivisor { get; init; }
    /// <summary>Float16 weights and compute, input <c>images</c> and outputs float16 (ultralytics' half export:
    /// the caller casts its 0..1 input to float16).</summary>
    public bool Half { get; init; }
    /// <summary>YOLO only: non-maximum suppression in the graph with these settings (one label per box), output0
    /// (N, max_det, 6) x1, y1, x2, y2, score, class, zero rows after each image's detections; null: the decoded
    /// (N, 4 + classes, A) output, for <see cref="Models.Detection.Boxes.NonMaxSuppression"/> as the post-step.</summary>
    public Models.Detection.Boxes.NmsOptions? Nms { get; init; }
    public int Opset { get; init; } = 17;
    public string Task { get; init; } = "";
    public IReadOnlyList<string> Names { get; init; } = [];
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public long? Stride { get; init; }
    public string Description { get; init; } = "";
}
