namespace Dbops.Bench.Workload;

/// <summary>The names and values a typical MLflow tracking server holds: hyperparameters, metrics, tags.</summary>
internal static class Vocabulary
{
    /// <summary>Hyperparameters and the values sweeps try; "seed" is unique per run, "config" is a long text.</summary>
    public static readonly (string Key, string[] Values)[] Params =
    [
        ("learning_rate", ["0.1", "0.03", "0.01", "0.003", "0.001", "0.0003", "0.0001"]),
        ("batch_size", ["16", "32", "64", "128", "256", "512"]),
        ("optimizer", ["adam", "adamw", "sgd", "rmsprop"]),
        ("epochs", ["5", "10", "20", "50", "100"]),
        ("dropout", ["0.0", "0.1", "0.2", "0.3", "0.5"]),
        ("hidden_size", ["64", "128", "256", "512", "1024"]),
        ("num_layers", ["1", "2", "3", "4", "6", "8"]),
        ("weight_decay", ["0", "1e-05", "0.0001", "0.001", "0.01"]),
        ("momentum", ["0.8", "0.9", "0.95", "0.99"]),
        ("model_type", ["xgboost", "lightgbm", "random_forest", "resnet50", "bert-base", "mlp", "logistic_regression"]),
        ("max_depth", ["3", "4", "6", "8", "10", "12"]),
        ("n_estimators", ["100", "200", "500", "1000"]),
        ("subsample", ["0.5", "0.7", "0.8", "1.0"]),
        ("warmup_steps", ["0", "100", "500", "1000"]),
        ("data_version", ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"]),
        ("loss_function", ["cross_entropy", "focal", "mse", "huber"]),
        ("seed", []),
        ("config", []),
    ];

    public static readonly string[] LossLike = ["loss", "val_loss", "rmse", "mae", "log_loss"];
    public static readonly string[] ScoreLike = ["accuracy", "val_accuracy", "f1", "auc", "precision", "recall"];
    public static readonly string[] Other = ["learning_rate", "epoch_time_s", "grad_norm"];

    public static readonly string[] Teams = ["fraud", "search", "recsys", "vision", "nlp", "forecasting", "ads", "risk"];
    public static readonly string[] Models = ["xgb", "lgbm", "resnet", "bert", "mlp", "tft", "two-tower", "gbdt"];
    public static readonly string[] Adjectives = ["amber", "brave", "calm", "dapper", "eager", "fancy", "gentle", "honest", "jolly", "keen", "lively", "merry", "nimble", "proud", "quiet", "rare", "sleek", "tidy", "vast", "witty"];
    public static readonly string[] Nouns = ["ant", "bat", "cod", "deer", "eel", "fox", "gnu", "hare", "ibis", "jay", "koi", "lynx", "mole", "newt", "owl", "puma", "quail", "ram", "seal", "toad"];
    public static readonly string[] Stages = ["dev", "dev", "dev", "review", "candidate", "production"];
    public static readonly string[] SourceTypes = ["LOCAL", "JOB", "NOTEBOOK", "PROJECT"];
    public static readonly string[] Scripts = ["train.py", "sweep.py", "notebooks/explore.ipynb", "pipelines/train_job.py", "finetune.py"];
}
