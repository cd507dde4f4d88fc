using System.Text.Json.Nodes;

namespace Osprey.Training;

/// <summary>What <c>osprey predict</c> asks of a task beyond the files: how many classes to list (classification), and more as tasks need.</summary>
public sealed record PredictRequest(int Top = 5, int BatchSize = 32);

/// <summary>One image's prediction, as a line of text and as JSON.</summary>
public interface IPrediction
{
    string Source { get; }
    string Text { get; }
    JsonNode ToJson();
}
