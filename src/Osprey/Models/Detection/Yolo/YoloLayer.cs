namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// How a built layer is wired and how the layer table shows it: the resolved input layers (absolute indices, -1 is
/// the image), the 'from' text as written, the depth-scaled repeats, the type path and the bound arguments.
/// </summary>
public sealed record YoloLayer(int Index, IReadOnlyList<int> Inputs, bool TakesList, string FromText, long Repeats,
                               string TypePath, string ArgumentsText, double Stride);
