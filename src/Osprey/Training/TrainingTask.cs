using Osprey.Data;
using Osprey.Models;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;

namespace Osprey.Training;

/// <summary>
/// A task whose models output <typeparamref name="TOutput"/>: the model's type is checked once, when it is bound, and
/// from then on outputs reach the criterion and the evaluator typed (no caller inspects an output's type).
/// </summary>
public abstract class TrainingTask<TOutput> : ITrainingTask where TOutput : IModelOutput
{
    public abstract string Name { get; }
    public abstract ModelTask Models { get; }
    public abstract IReadOnlyList<string> LossNames { get; }
    public abstract IReadOnlyList<string> MetricNames { get; }
    public abstract TaskData LoadData(TrainOptions options);
    public abstract ValidationReport Validate(TrainedModel trained, ValidationRequest request);
    public abstract IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request);

    /// <summary>The criterion for this model (read its head description here: strides, classes, reg_max).</summary>
    protected abstract ICriterion<TOutput> CreateCriterion(IImageModel<TOutput> model, TaskData data, TrainOptions options);

    protected abstract IEvaluator<TOutput> CreateEvaluator(TaskData data, TrainOptions options);

    public virtual TrainOptions Defaults => new() { Task = Name };

    public virtual double DefaultLr(TrainOptions options) => options.InitialLr;

    public virtual ICollate Collate => StackCollate.Instance;

    public virtual int DefaultValidationBatch => 256;

    public virtual ITaskPictures? Pictures(TaskData data) => null;

    public virtual IStepPolicy CreateSteps(Module model, TrainOptions options, TrainingPlan plan) => ScheduledSteps.Create(model, options, plan);

    public ITaskModel Bind(Module model, TaskData data, TrainOptions options)
    {
        var typed = Typed(model, Name);
        return new BoundModel(typed, CreateCriterion(typed, data, options), () => CreateEvaluator(data, options));
    }

    /// <summary>The model as this task runs it; a model of another kind is refused with its name.</summary>
    public static IImageModel<TOutput> Typed(Module model, string task) => model as IImageModel<TOutput>
        ?? throw new ArgumentException($"the {task} task needs a model that outputs {typeof(TOutput).Name}; {model.TypeName} does not");

    sealed class BoundModel(IImageModel<TOutput> model, ICriterion<TOutput> criterion, Func<IEvaluator<TOutput>> evaluator) : ITaskModel
    {
        public LossTerms Loss(Batch batch) => criterion.Compute(model.Run(batch.Input), batch);

        public IEvaluation StartEvaluation() => new Evaluation(model, criterion, evaluator);

        public ITaskModel ForWorld(Osprey.Torch.Distributed.ProcessGroup group) =>
            criterion is Distributed.IRankAwareCriterion<TOutput> aware ? new RankModel(model, aware.ForWorld(group), this) : this;
    }

    /// <summary>Trains with the rank-aware criterion, validates as the single-process model does.</summary>
    sealed class RankModel(IImageModel<TOutput> model, ICriterion<TOutput> criterion, ITaskModel validation) : ITaskModel
    {
        public LossTerms Loss(Batch batch) => criterion.Compute(model.Run(batch.Input), batch);

        public IEvaluation StartEvaluation() => validation.StartEvaluation();
    }

    sealed class Evaluation(IImageModel<TOutput> model, ICriterion<TOutput> criterion, Func<IEvaluator<TOutput>> create) : IEvaluation
    {
        IEvaluator<TOutput> evaluator = create();

        public LossTerms Add(Batch batch)
        {
            var output = model.Run(batch.Input);
            evaluator.Add(output, batch);
            return criterion.Compute(output, batch);
        }

        public bool CanMerge => evaluator is IMergeableEvaluator;

        /// <summary>A fresh evaluator appends every rank's state in rank order (this rank's own included).</summary>
        public void MergeRanks(Osprey.Torch.Distributed.ProcessGroup group)
        {
            var mine = evaluator as IMergeableEvaluator ?? throw new NotSupportedException($"{evaluator.GetType().Name} cannot merge the ranks' validations");
            var merged = create();
            foreach (var state in Distributed.RankReduce.Gather(group, mine.ToBytes())) ((IMergeableEvaluator)merged).AppendBytes(state);
            evaluator = merged;
        }

        public IReadOnlyList<double> Values() => evaluator.Values();
        public double Fitness => evaluator.Fitness;
        public object Evaluator => evaluator;
    }
}

/// <summary>A task's loss on one batch's typed output.</summary>
public interface ICriterion<in TOutput> where TOutput : IModelOutput
{
    LossTerms Compute(TOutput output, Batch batch);
}

/// <summary>Accumulates validation outputs into metrics.</summary>
public interface IEvaluator<in TOutput> where TOutput : IModelOutput
{
    void Add(TOutput output, Batch batch);

    /// <summary>The values of <see cref="ITrainingTask.MetricNames"/>.</summary>
    IReadOnlyList<double> Values();

    double Fitness { get; }
}
