using System.CommandLine;
using Osprey.Export;
using Osprey.Export.Onnx;
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
        var dynamic = new Option<bool>("--dynamic") { Description = "a symbolic batch axis in the ONNX graph" };
        var opset = new Option<int>("--opset") { Description = "ONNX opset (17)", DefaultValueFactory = _ => 17 };
        var output = new Option<string?>("--out") { Description = "output file (default: next to the weights, .onnx or .pt)" };
        var device = DeviceOption.Create();
        var command = new Command("export", "Export a trained model to ONNX (ONNX Runtime) or a PyTorch state dict (torch.load)")
        {
            weights, format, imgsz, batch, dynamic, opset, output, device,
        };
        command.SetAction(result => DeviceOption.Check(result.GetValue(device)!) ?? Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(format)!, result.GetValue(imgsz),
            result.GetValue(batch), result.GetValue(dynamic), result.GetValue(opset), result.GetValue(output))));
        return command;
    }

    static int Run(string weights, string format, int? imgsz, int batch, bool dynamic, int opset, string? output)
    {
        if (format is not ("onnx" or "torch")) return Cli.Usage($"--format {format}: expected onnx or torch");
        if (batch < 1) return Cli.Usage($"--batch {batch}: expected an integer >= 1");
        if (imgsz is < 1) return Cli.Usage($"--imgsz {imgsz}: expected an integer >= 1");
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
            var options = new OnnxExportOptions { Height = size, Width = size, Batch = batch, DynamicBatch = dynamic, Opset = opset };
            File.WriteAllBytes(path, OnnxExport.Export(trained, options));
        }
        Console.WriteLine($"exported {trained.Info.Model} ({trained.Info.Task}, {trained.Classes.Count} classes) to {path}");
        return Cli.Ok;
    }
}
