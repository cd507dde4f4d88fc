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
/// with <see cref="OnnxExportOptions.Nms"/> (N, max_det, 6) detections instead (<see cref="YoloNmsGraph"/>);
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
        if (options.Nms != null && model is not YoloModel)
            throw new ArgumentException($"ONNX export: NMS in the graph is for YOLO models, not {model.TypeName}");
        model.Eval();
        if (model is YoloModel yolo)
        {
            if (!yolo.IsFused) yolo.Fuse();
            options = options with { Stride = options.Stride ?? (long)yolo.MaxStride };
        }
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        long batch1 = options.DynamicBatch ? Math.Max(options.Batch, 2) : options.Batch;
        long step = options.SizeStep ?? SizeStepOf(model);
        if (step < 1) throw new ArgumentException($"ONNX export: size step must be at least 1, got {step}");
        options = options with
        {
            SizeStep = step,
            SizeDivisor = model is IImageModel<SegmentationOutput> ? Training.Segmentation.SegmentationRunner.SizeDivisor(model) : null,
        };
        var symbols = new List<SizeSymbol>();
        if (options.DynamicBatch) symbols.Add(new SizeSymbol("batch", 0, batch1, 1));
        if (options.DynamicSize)
        {
            symbols.Add(new SizeSymbol("height", 2, options.Height, step));
            symbols.Add(new SizeSymbol("width", 3, options.Width, step));
        }
        long[] shape = [batch1, options.Channels, options.Height, options.Width];
        using var first = Trace(model, imageModel, shape);
        var variants = new List<Traced>();
        try
        {
            foreach (var symbol in symbols)
            {
                var varied = shape.ToArray();
                varied[symbol.Axis] += symbol.Step;
                variants.Add(Trace(model, imageModel, varied));
            }
            var graph = new OnnxGraph(first.Recorder, symbols.Select((s, k) => new SizeVariant(s, variants[k].Recorder)).ToArray(), options.Half);
            return Write(graph, first, variants, options).ToByteArray();
        }
        finally
        {
            foreach (var v in variants) v.Dispose();
        }
    }

    /// <summary>The spacing of input sizes at which every feature map of the model scales exactly.</summary>
    static long SizeStepOf(Module model) => model switch
    {
        YoloModel yolo => (long)yolo.MaxStride,
        UNet => 16,
        _ => 32,
    };

    sealed record Traced(OpRecorder Recorder, Tensor Input, List<(string Name, Tensor Tensor)> Outputs) : IDisposable
    {
        public void Dispose() => Recorder.Dispose();
    }

    static Traced Trace(Module model, IImageModel imageModel, long[] shape)
    {
        var input = Tensor.Randn(shape);
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

    static ModelProto Write(OnnxGraph graph, Traced first, List<Traced> variants, OnnxExportOptions options)
    {
        var proto = graph.Proto;
        var (input, outputs) = (first.Input, first.Outputs);
        graph.Bind(input, InputName, input.Shape, DType.Float32);
        var ops = first.Recorder.Ops;
        for (int v = 0; v < variants.Count; v++)
        {
            var twins = variants[v].Recorder.Ops;
            graph.Variants[v].Bind(variants[v].Input, variants[v].Input.Shape);
            if (twins.Count != ops.Count || ops.Where((op, k) => op.FullName != twins[k].FullName).Any())
                throw new OnnxExportException($"ONNX export: {first.Recorder.Root?.TypeName} runs different operators when the input's {graph.Variants[v].Symbol.Name} changes; export with a fixed {graph.Variants[v].Symbol.Name}");
        }
        for (int k = 0; k < ops.Count; k++)
        {
            var op = ops[k];
            var twins = variants.Select(v => v.Recorder.Ops[k]).ToArray();
            for (int v = 0; v < twins.Length; v++)
                for (int j = 0; j < twins[v].Outputs.Length; j++) graph.Variants[v].Bind(twins[v].Outputs[j], twins[v].OutputShapes[j]);
            if (op.IsDynamic && op.Outputs.Length == 0 && op.Results.Any(r => r.IsNumber))
                throw new OnnxExportException($"ONNX export: {op.FullName}, called by {graph.Recorder.PathOf(op.Module)}, reads a number from the input (data-dependent control flow cannot be traced)");
            if (op.Outputs.Length == 0) continue;
            // A constant whose sizes follow the input's (a mask, an anchor grid) is computed in the graph too.
            bool sized = !op.IsDynamic && (OpContext.ArgsVary(op, twins) || op.Args.Any(a => a.Value switch
            {
                Tensor t => graph.IsComputed(t),
                Tensor[] list => list.Any(graph.IsComputed),
                _ => false,
            }));
            if (!op.IsDynamic && !sized) continue;
            var key = op.Name.StartsWith("aten::", StringComparison.Ordinal) ? op.Name[6..] : op.Name;
            if (!AtenSymbolics.TryGet(key, out var convert))
                throw new OnnxExportException($"ONNX export: no ONNX mapping for ATen operator {op.FullName}, called by {graph.Recorder.PathOf(op.Module)}");
            convert(new OpContext(graph, op, twins));
        }
        proto.Input.Add(ValueInfo(InputName, graph.TypeCode(DType.Float32), input.Shape, DimNames(input.Shape, variants.Select(v => v.Input.Shape).ToArray(), graph, "")));
        for (int o = 0; o < outputs.Count; o++)
        {
            var (name, tensor) = outputs[o];
            var value = graph.Value(tensor);
            var dtype = graph.TypeOf(tensor);
            int elementType = graph.TypeCode(dtype);
            var shape = graph.ShapeOf(tensor);
            var dims = DimNames(shape, variants.Select(v => v.Outputs[o].Tensor.Shape).ToArray(), graph, name);
            if (options.Nms is { } nms)
            {
                value = YoloNmsGraph.Append(graph, value, dtype, nms);
                (elementType, shape) = (OnnxGraph.OnnxType(DType.Float32), [shape[0], nms.MaxDetections, 6]);
                dims = [dims[0], null, null];
            }
            var node = new NodeProto { OpType = "Identity", Name = "output_" + name };
            node.Input.Add(value);
            node.Output.Add(name);
            proto.Node.Add(node);
            proto.Output.Add(ValueInfo(name, elementType, shape, dims));
        }
        graph.Prune();
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

    /// <summary>A symbol for each axis whose size changes between the traces: the input axis's name when it follows
    /// that axis alone, else the output's name and axis (ultralytics writes <c>anchors</c> as such a symbol).</summary>
    static string?[] DimNames(long[] shape, long[][] others, OnnxGraph graph, string output) =>
        shape.Select((size, d) =>
        {
            var varying = Enumerable.Range(0, others.Length).Where(v => others[v][d] != size).ToArray();
            if (varying.Length == 0) return null;
            var symbol = graph.Variants[varying[0]].Symbol;
            bool follows = varying.Length == 1 && symbol.Axis == d && size == symbol.Base && others[varying[0]][d] == symbol.Base + symbol.Step;
            return follows ? symbol.Name : $"{output}_dim{d}";
        }).ToArray();

    static ValueInfoProto ValueInfo(string name, int elementType, long[] shape, string?[] symbols)
    {
        var type = new TypeProto.Types.Tensor { ElemType = elementType, Shape = new TensorShapeProto() };
        for (int i = 0; i < shape.Length; i++)
            type.Shape.Dim.Add(symbols[i] is { } symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }
}
