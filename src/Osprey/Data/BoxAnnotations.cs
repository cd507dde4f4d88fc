namespace Osprey.Data;

/// <summary>
/// Every box annotation of one image in its original pixel coordinates, as an evaluator needs them (pycocotools'
/// COCOeval: crowd regions, the annotation's area for the small/medium/large ranges, annotation ids). Training targets
/// (<see cref="Sample.Boxes"/>) leave crowd regions out; this record keeps them. Plain arrays, no tensors: transforms
/// carry it through unchanged, because evaluation maps predictions back to the original image.
/// </summary>
/// <param name="ImageId">The COCO image id (or the index in the split for YOLO datasets).</param>
/// <param name="Boxes">x1, y1, x2, y2 per annotation, flattened (length 4 N), pixels of the original image.</param>
/// <param name="Areas">COCO's <c>area</c> field (segment area), or the box area where a format has none.</param>
public sealed record BoxAnnotations(long ImageId, int Width, int Height, float[] Boxes, long[] Classes, bool[] Crowd, float[] Areas, long[] Ids)
{
    public int Count => Classes.Length;
}
