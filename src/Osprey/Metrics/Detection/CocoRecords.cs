namespace Osprey.Metrics.Detection;

/// <summary>A box as COCO stores it: left, top, width, height in pixels.</summary>
public readonly record struct CocoBox(double X, double Y, double Width, double Height)
{
    /// <summary>From corners (x0, y0, x1, y1): width x1 - x0, height y1 - y0.</summary>
    public static CocoBox FromCorners(double x0, double y0, double x1, double y1) => new(x0, y0, x1 - x0, y1 - y0);

    public double Area => Width * Height;

    internal void Write(BinaryWriter w)
    {
        w.Write(X);
        w.Write(Y);
        w.Write(Width);
        w.Write(Height);
    }

    internal static CocoBox Read(BinaryReader r) => new(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());

    internal bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Width) && double.IsFinite(Height);
}

/// <summary>
/// One ground-truth object. <see cref="Area"/> is the area COCO ranks objects by (small below 32^2, large above
/// 96^2): in COCO files the segment's area, which may differ from the box's. A crowd region (<see cref="IsCrowd"/>)
/// is never a miss and absorbs any number of detections.
/// </summary>
public sealed record CocoGroundTruth(long ImageId, int CategoryId, CocoBox Box, double Area, bool IsCrowd = false)
{
    /// <summary>Outside the evaluated subset (<see cref="OccludedSubset"/>): matched like an object outside the area range,
    /// with the plain IoU, once; neither a hit nor a miss, and a detection matched to it counts neither way.</summary>
    public bool Ignored { get; init; }

    /// <summary>The record as <see cref="Read"/> reads it back (merging sharded evaluations).</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(ImageId);
        w.Write(CategoryId);
        Box.Write(w);
        w.Write(Area);
        w.Write(IsCrowd);
        w.Write(Ignored);
    }

    public static CocoGroundTruth Read(BinaryReader r) =>
        new(r.ReadInt64(), r.ReadInt32(), CocoBox.Read(r), r.ReadDouble(), r.ReadBoolean()) { Ignored = r.ReadBoolean() };

    /// <summary>A non-crowd object whose area is its box's.</summary>
    public static CocoGroundTruth OfBox(long imageId, int categoryId, CocoBox box) => new(imageId, categoryId, box, box.Area);
}

/// <summary>One detection as a COCO results file holds it.</summary>
public sealed record CocoDetection(long ImageId, int CategoryId, CocoBox Box, double Score)
{
    /// <summary>The record as <see cref="Read"/> reads it back (merging sharded evaluations).</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(ImageId);
        w.Write(CategoryId);
        Box.Write(w);
        w.Write(Score);
    }

    public static CocoDetection Read(BinaryReader r) => new(r.ReadInt64(), r.ReadInt32(), CocoBox.Read(r), r.ReadDouble());

    /// <summary>From a corner box (x0, y0, x1, y1), as NMS rows hold it.</summary>
    public static CocoDetection FromCorners(long imageId, int categoryId, double x0, double y0, double x1, double y1, double score) =>
        new(imageId, categoryId, CocoBox.FromCorners(x0, y0, x1, y1), score);
}
