using System.Text;
using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics.Detection;

/// <summary>The COCO results file round-trips exactly, and a malformed one is refused naming the detection and field.</summary>
public class CocoResultsJsonTests
{
    [Fact]
    public void RoundTripKeepsEveryDoubleAndTheFixtureScoresTheSame()
    {
        var (evaluator, detections, _) = CocoEvaluatorTests.Build("crowded");
        detections.Add(new CocoDetection(detections[0].ImageId, detections[0].CategoryId, new CocoBox(0.1 + 0.2, 1e-300, 1 / 3.0, 12345.678), 0.1));
        using var stream = new MemoryStream();
        CocoResultsJson.Write(stream, detections);
        stream.Position = 0;
        var back = CocoResultsJson.Read(stream);
        Assert.Equal(detections, back);
        Assert.Equal(evaluator.Evaluate(detections).Stats, evaluator.Evaluate(back).Stats);
        Assert.StartsWith("[{\"image_id\":", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Theory]
    [InlineData("{}", "expected a JSON array")]
    [InlineData("[{\"image_id\":1,\"category_id\":2,\"score\":0.5}]", "detection 0: missing \"bbox\"")]
    [InlineData("[{\"image_id\":1,\"category_id\":2,\"bbox\":[1,2,3,4],\"score\":0.5},{\"image_id\":1,\"category_id\":2,\"bbox\":[1,2,3],\"score\":0.5}]", "detection 1: \"bbox\" must be [x, y, width, height]")]
    [InlineData("[{\"image_id\":1.5,\"category_id\":2,\"bbox\":[1,2,3,4],\"score\":0.5}]", "\"image_id\" must be an integer, got 1.5")]
    [InlineData("[{\"image_id\":1,\"category_id\":2,\"bbox\":[1,2,3,4],\"score\":\"high\"}]", "\"score\" must be a finite number")]
    [InlineData("[{\"image_id\":1,", "not valid JSON")]
    public void MalformedFilesAreRefused(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => CocoResultsJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "results.json"));
        Assert.Contains("results.json", error.Message);
        Assert.Contains(message, error.Message);
    }
}
