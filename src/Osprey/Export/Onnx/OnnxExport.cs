using Google.Protobuf;
using Osprey.Data;
using Osprey.Export.Onnx.Schema;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Detr;
using Osprey.Models.Detection.Yolo;
using Osprey.Models.Segmentation;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Tracing;
using Osprey.Training;

namespace Osprey.Export.Onnx;

/// <summary>
/// Writes a registered model as an ONNX file by tracing one eval-mode forward at the ATen level (<see cref="OpRecorder"/>)
/// and mapping each call to ONNX operators (<see cref="AtenSymbolics"/>), as torch.onnx.export traces a module.
/// Outputs, as the official exporters name them: classification and segmentation <c>logits</c>; YOLO <c>output0</c>
/// (N, 4 + classes, anchors), centre-size boxes in input pixels then class probabilities (ultralytics' layout);
/// DETR <c>pred_logits</c> and <c>pred_boxes</c>. YOLO models are fused (conv + BN) first, as ultralytics exports them.
/// </summary>
public static class OnnxExport
{
    public const string InputName = "images";

    /// <summary>Exports a checkpoint's model with its classes, task, input size and normalization as metadata.</summary>
    public static byte[] Export(TrainedModel trained, OnnxExportOptions? options = null)
    {
        var info = trained.Info;
        options ??= new OnnxExportOptions { Height = info.ImageSize, Width = info.ImageSize };
        options = options with
        {
            Channels = info.InChannels,
            Task = info.Task,
            Names = info.Classes,
            Mean = options.Mean ?? info.Mean,
            Std = options.Std ?? info.Std,
            Description = options.Description.Length > 0 ? options.Description : $"Osprey {info.Model} trained on {info.Classes.Count} classes",
        };
        return Export(trained.Model, options);
    }

    /// <summary>Exports <paramref name="model"/> (an <see cref="IImageModel"/>; put in eval mode, YOLO fused).
    /// A dynamic batch traces the model at two batch sizes and derives every batch-dependent size from the input.</summary>
    public static byte[] Export(Module model, OnnxExportOptions options)
    {
        if (model is not IImageModel imageModel)
            throw new ArgumentException($"ONNX export: {model.TypeName} is not an image model (IImageModel)");
        if (options.Opset != 17) throw new ArgumentException($"ONNX export: opset {options.Opset} is not supported (17 is)");
        if (options.Batch < 1) throw new ArgumentException($"ONNX export: batch must be at least 1, got {options.Batch}");
        model.Eval();
        if (model is YoloModel yolo)
        {
            if (!yolo.IsFused) yolo.Fuse();
            options = options with { Stride = options.Stride ?? (long)yolo.MaxStride };
        }
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        long batch1 = options.DynamicBatch ? Math.Max(options.Batch, 2) : options.Batch;
        using var first = Trace(model, imageModel, options, batch1);
        using var second = options.DynamicBatch ? Trace(model, imageModel, options, batch1 + 1) : null;
        var graph = new OnnxGraph(first.Recorder, second?.Recorder, batch1);
        return Write(graph, first, second, options).ToByteArray();
    }

    sealed record Traced(OpRecorder Recorder, Tensor Input, List<(string Name, Tensor Tensor)> Outputs) : IDisposable
    {
        public void Dispose() => Recorder.Dispose();
    }

    static Traced Trace(Module model, IImageModel imageModel, OnnxExportOptions options, long batch)
    {
        var input = Tensor.Randn([batch, options.Channels, options.Height, options.Width]);
        var recorder = OpRecorder.Start(model);
        try
        {
            recorder.MarkInput(input);
            var outputs = Outputs(imageModel.Run(ImageBatch.FromTensor(input)), model);
            recorder.Stop();
            return new Traced(recorder, input, outputs);
        }
        catch
        {
            recorder.Dispose();
            throw;
        }
    }

    public static void Export(Module model, OnnxExportOptions options, string path) =>
        File.WriteAllBytes(path, Export(model, options));

    static List<(string, Tensor)> Outputs(IModelOutput output, Module model) => output switch
    {
        ClassificationOutput c => [("logits", c.Logits)],
        SegmentationOutput s => [("logits", s.Logits)],
        DetectionOutput { Boxes: { } boxes, Scores: { } scores } => [("output0", Tensor.Cat([boxes, scores], 1))],
        DetrOutput d => [("pred_logits", d.Logits), ("pred_boxes", d.Boxes)],
        _ => throw new OnnxExportException($"ONNX export: {model.TypeName} returned {output.GetType().Name}, which has no ONNX layout"),
    };

    static ModelProto Write(OnnxGraph graph, Traced first, Traced? second, OnnxExportOptions options)
    {
        var proto = graph.Proto;
        var (input, outputs) = (first.Input, first.Outputs);
        graph.Bind(input, InputName, input.Shape, DType.Float32);
        var ops = first.Recorder.Ops;
        var twins = second?.Recorder.Ops;
        if (second != null) graph.BindTwin(second.Input, second.Input.Shape);
        if (twins != null && (twins.Count != ops.Count || ops.Where((op, k) => op.FullName != twins[k].FullName).Any()))
            throw new OnnxExportException($"ONNX export: {first.Recorder.Root?.TypeName} runs different operators at batch {graph.Batch1} and {graph.Batch1 + 1}; export with a fixed batch");
        for (int k = 0; k < ops.Count; k++)
        {
            var op = ops[k];
            var twin = twins?[k];
            if (twin != null)
                for (int j = 0; j < twin.Outputs.Length; j++) graph.BindTwin(twin.Outputs[j], twin.OutputShapes[j]);
            if (op.IsDynamic && op.Outputs.Length == 0 && op.Results.Any(r => r.IsNumber))
                throw new OnnxExportException($"ONNX export: {op.FullName}, called by {graph.Recorder.PathOf(op.Module)}, reads a number from the input (data-dependent control flow cannot be traced)");
            if (!op.IsDynamic || op.Outputs.Length == 0) continue;
            var key = op.Name.StartsWith("aten::", StringComparison.Ordinal) ? op.Name[6..] : op.Name;
            if (!AtenSymbolics.TryGet(key, out var convert))
                throw new OnnxExportException($"ONNX export: no ONNX mapping for ATen operator {op.FullName}, called by {graph.Recorder.PathOf(op.Module)}");
            convert(new OpContext(graph, op, twin));
        }
        proto.Input.Add(ValueInfo(InputName, DType.Float32, input.Shape, options.DynamicBatch));
        foreach (var (name, tensor) in outputs)
        {
            var value = graph.Value(tensor);
            var dtype = graph.TypeOf(tensor);
            var node = new NodeProto { OpType = "Identity", Name = "output_" + name };
            node.Input.Add(value);
            node.Output.Add(name);
            proto.Node.Add(node);
            proto.Output.Add(ValueInfo(name, dtype, graph.ShapeOf(tensor), options.DynamicBatch));
        }
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "osprey",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Graph = proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in OnnxMetadata.Props(options)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    static ValueInfoProto ValueInfo(string name, DType dtype, long[] shape, bool dynamicBatch)
    {
        var type = new TypeProto.Types.Tensor { ElemType = OnnxGraph.OnnxType(dtype), Shape = new TensorShapeProto() };
        for (int i = 0; i < shape.Length; i++)
            type.Shape.Dim.Add(i == 0 && dynamicBatch ? new TensorShapeProto.Types.Dimension { DimParam = "batch" }
                : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }
}
