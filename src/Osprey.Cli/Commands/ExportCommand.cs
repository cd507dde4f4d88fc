using System.CommandLine;
using Osprey.Export;
using Osprey.Export.Onnx;
using Osprey.Models.Detection.Boxes;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey export</c>: a trained checkpoint as an ONNX file (for ONNX Runtime) or a PyTorch state dict
/// (for <c>torch.load</c>).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train (best.ckpt or last.ckpt)", Required = true };
        var format = new Option<string>("--format") { Description = "onnx or torch", DefaultValueFactory = _ => "onnx" };
        var imgsz = new Option<int?>("--imgsz") { Description = "input size (square) traced into the ONNX graph (default: the training size)" };
        var batch = new Option<int>("--batch") { Description = "batch size of the ONNX input", DefaultValueFactory = _ => 1 };
        var dynamic = new Option<bool>("--dynamic") { Description = "symbolic batch, height and width in the ONNX graph (sizes: the traced size plus multiples of the model's stride)" };
        var half = new Option<bool>("--half") { Description = "float16 weights and compute; the ONNX input and outputs are float16 (cast 0..1 input to float16)" };
        var nms = new Option<bool>("--nms") { Description = "YOLO: non-maximum suppression in the graph, output (N, max-det, 6) x1,y1,x2,y2,score,class" };
        var conf = new Option<double>("--conf") { Description = "with --nms: confidence threshold", DefaultValueFactory = _ => 0.25 };
        var iou = new Option<double>("--iou") { Description = "with --nms: IoU threshold", DefaultValueFactory = _ => 0.7 };
        var maxDet = new Option<int>("--max-det") { Description = "with --nms: detections kept per image", DefaultValueFactory = _ => 300 };
        var opset = new Option<int>("--opset") { Description = "ONNX opset (17)", DefaultValueFactory = _ => 17 };
        var output = new Option<string?>("--out") { Description = "output file (default: next to the weights, .onnx or .pt)" };
        var device = DeviceOption.Create();
        var command = new Command("export", "Export a trained model to ONNX (ONNX Runtime) or a PyTorch state dict (torch.load)")
        {
            weights, format, imgsz, batch, dynamic, half, nms, conf, iou, maxDet, opset, output, device,
        };
        command.SetAction(result => DeviceOption.Check(result.GetValue(device)!) ?? Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(format)!, result.GetValue(imgsz),
            result.GetValue(batch), result.GetValue(dynamic), result.GetValue(half),
            result.GetValue(nms) ? new NmsOptions { Confidence = result.GetValue(conf), Iou = result.GetValue(iou), MaxDetections = result.GetValue(maxDet) } : null,
            result.GetValue(opset), result.GetValue(output))));
        return command;
    }

    static int Run(string weights, string format, int? imgsz, int batch, bool dynamic, bool half, NmsOptions? nms, int opset, string? output)
    {
        if (format is not ("onnx" or "torch")) return Cli.Usage($"--format {format}: expected onnx or torch");
        if (batch < 1) return Cli.Usage($"--batch {batch}: expected an integer >= 1");
        if (imgsz is < 1) return Cli.Usage($"--imgsz {imgsz}: expected an integer >= 1");
        if (half && format == "torch") return Cli.Usage("--half applies to --format onnx only");
        if (nms is { } n && (n.Confidence is < 0 or > 1 || n.Iou is < 0 or > 1 || n.MaxDetections < 1))
            return Cli.Usage($"--conf {n.Confidence} --iou {n.Iou} --max-det {n.MaxDetections}: expected thresholds in [0, 1] and at least one detection");
        if (opset != 17) return Cli.Usage($"--opset {opset}: only opset 17 is written");
        using var trained = TrainedModel.Load(weights);
        var path = output ?? Path.ChangeExtension(weights, format == "onnx" ? ".onnx" : ".pt");
        if (format == "torch")
        {
            TorchExport.Export(trained, path);
        }
        else
        {
            long size = imgsz ?? trained.Info.ImageSize;
            var options = new OnnxExportOptions { Height = size, Width = size, Batch = batch, DynamicBatch = dynamic, DynamicSize = dynamic, Half = half, Nms = nms, Opset = opset };
            File.WriteAllBytes(path, OnnxExport.Export(trained, options));
        }
        Console.WriteLine($"exported {trained.Info.Model} ({trained.Info.Task}, {trained.Classes.Count} classes) to {path}");
        return Cli.Ok;
    }
}
