using Osprey.Torch.NN;
using Osprey.Torch.Serialization;
using Osprey.Training;

namespace Osprey.Export;

/// <summary>
/// A checkpoint's weights as a PyTorch state dict file (<c>torch.save(model.state_dict())</c>'s zip format), which
/// <c>torch.load</c> reads. The keys are the model's state-dict names, which follow torchvision, ultralytics and the
/// official DETR, so the official architectures load the file.
/// </summary>
public static class TorchExport
{
    public static void Export(TrainedModel trained, string path) => Export(trained.Model, path);

    public static void Export(Module model, string path) => TorchSave.SaveStateDict(path, model.StateDict());
}
