using Osprey.Data;
using Osprey.Models;
using Osprey.Training;
using Osprey.Torch.NN;

namespace Osprey.Tests.Training;

/// <summary>A task that is another task except for what its training loss becomes (<see cref="Change"/>), its term
/// names and, when given, its data.</summary>
public class DelegatingTask(ITrainingTask inner, IReadOnlyList<string>? lossNames = null, Func<TrainOptions, TaskData>? data = null) : ITrainingTask
{
    public string Name => inner.Name;
    public ModelTask Models => inner.Models;
    public IReadOnlyList<string> LossNames => lossNames ?? inner.LossNames;
    public IReadOnlyList<string> MetricNames => inner.MetricNames;
    public ICollate Collate => inner.Collate;
    public TaskData LoadData(TrainOptions options) => data?.Invoke(options) ?? inner.LoadData(options);
    public double DefaultLr(TrainOptions options) => inner.DefaultLr(options);
    public IStepPolicy CreateSteps(Module model, TrainOptions options, TrainingPlan plan) => inner.CreateSteps(model, options, plan);
    public ValidationReport Validate(TrainedModel trained, ValidationRequest request) => inner.Validate(trained, request);
    public IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request) => inner.Predict(trained, files, request);

    /// <summary>Each training batch, before the loss.</summary>
    public Action<Batch>? Seen { get; init; }

    /// <summary>The training loss (and, where <see cref="ChangeValidation"/>, the validation loss) as this task reports it.</summary>
    protected virtual LossTerms Change(LossTerms loss) => loss;

    protected virtual bool ChangeValidation => false;

    /// <summary>The fitness each validation reports, from the task's own.</summary>
    public Func<double, double>? ChangeFitness { get; init; }

    public ITaskModel Bind(Module model, TaskData data, TrainOptions options) => new Bound(this, inner.Bind(model, data, options));

    sealed class Bound(DelegatingTask task, ITaskModel inner) : ITaskModel
    {
        public LossTerms Loss(Batch batch)
        {
            task.Seen?.Invoke(batch);
            return task.Change(inner.Loss(batch));
        }

        public IEvaluation StartEvaluation() => new Evaluation(task, inner.StartEvaluation());
    }

    sealed class Evaluation(DelegatingTask task, IEvaluation inner) : IEvaluation
    {
        public LossTerms Add(Batch batch) => task.ChangeValidation ? task.Change(inner.Add(batch)) : inner.Add(batch);
        public IReadOnlyList<double> Values() => inner.Values();
        public double Fitness => task.ChangeFitness?.Invoke(inner.Fitness) ?? inner.Fitness;
        public object Evaluator => inner.Evaluator;
    }
}
