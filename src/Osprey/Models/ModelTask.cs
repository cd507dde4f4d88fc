namespace Osprey.Models;

/// <summary>The task a registered model is built for; a training task takes the models of its kind.</summary>
public enum ModelTask { Classify, Segment, Detect }
