namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>The weights of the three YOLO loss terms; ultralytics' defaults (cfg/default.yaml box, cls, dfl).</summary>
public sealed record DetectionLossGains(double Box = 7.5, double Cls = 0.5, double Dfl = 1.5);
