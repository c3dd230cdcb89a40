using System.Globalization;
using RnnNative.Examples;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>What <c>rnn langid</c> prints: the corpus, the baselines, per-language accuracies, the confusion matrix, predictions.</summary>
internal static class LangIdReport
{
    private static string Percent(double x) => double.IsNaN(x) ? "-" : (100 * x).ToString("F1", CultureInfo.InvariantCulture) + "%";

    public static void Corpus(IAnsiConsole console, LangIdCorpus corpus, CharVocabulary vocabulary, int maxLength)
    {
        var usable = corpus.Languages.Select((l, i) => $"{l} {corpus.UsableWords[i]}");
        console.WriteLine($"words:   usable (1..{maxLength} letters, in one list only): {string.Join(", ", usable)}");
        console.WriteLine($"         {corpus.SharedWordsDropped} words found in several lists dropped");
        console.WriteLine($"sample:  {corpus.WordsPerLanguage} per language -> {corpus.Train.Count} training / {corpus.Test.Count} held-out words");
        console.WriteLine($"input:   one-hot over {vocabulary.Size} columns (unknown + '{vocabulary.Characters}'), padded to {maxLength} steps, lengths fed");
    }

    /// <summary>Majority class and naive Bayes on character unigrams and on unigrams + bigrams, scored on the held-out words.</summary>
    public static List<(string Name, ConfusionMatrix Matrix)> Baselines(LangIdCorpus corpus)
    {
        int classes = corpus.Languages.Count;
        var truth = corpus.Test.Select(w => w.Language).ToArray();
        var majority = new MajorityClassBaseline(corpus.Train.Select(w => w.Language), classes);
        var result = new List<(string, ConfusionMatrix)>
        {
            ("majority", ConfusionMatrix.From(truth, Enumerable.Repeat(majority.Class, truth.Length).ToArray(), classes)),
        };
        foreach (var (order, name) in new[] { (1, "char NB 1-gram"), (2, "char NB 1+2-gram") })
        {
            var bayes = new CharNGramNaiveBayes(corpus.Train, classes, order);
            result.Add((name, ConfusionMatrix.From(truth, corpus.Test.Select(w => bayes.Predict(w.Word)).ToArray(), classes)));
        }
        return result;
    }

    /// <summary>Held-out accuracy per language (rows) and per classifier (columns), then overall.</summary>
    public static void Accuracies(IAnsiConsole console, IReadOnlyList<string> languages, IReadOnlyList<(string Name, ConfusionMatrix Matrix)> results)
    {
        var table = new Table { Title = new TableTitle("held-out accuracy") };
        table.AddColumn("language");
        foreach (var (name, _) in results) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        for (int l = 0; l < languages.Count; l++)
            table.AddRow([Markup.Escape(languages[l]), .. results.Select(r => Percent(r.Matrix.ClassAccuracy(l)))]);
        table.AddRow(["[bold]overall[/]", .. results.Select(r => $"[bold]{Percent(r.Matrix.Accuracy)}[/]")]);
        console.Write(table);
        foreach (var (name, matrix) in results)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accuracy {name}: {100 * matrix.Accuracy:F2}% ({matrix.Correct}/{matrix.Total})"));
    }

    /// <summary>The confusion matrix as a table with language names, and as a PNG heat map (classes numbered in label order).</summary>
    public static void Confusion(IAnsiConsole console, IReadOnlyList<string> languages, ConfusionMatrix matrix, string png)
    {
        var table = new Table { Title = new TableTitle("confusion matrix (held-out)"), Caption = new TableTitle("rows: true language, columns: predicted") };
        table.AddColumn("true");
        for (int p = 0; p < languages.Count; p++) table.AddColumn(new TableColumn($"{p} {Markup.Escape(Abbreviate(languages[p]))}").RightAligned());
        for (int t = 0; t < languages.Count; t++)
        {
            var cells = new List<string> { $"{t} {Markup.Escape(languages[t])}" };
            for (int p = 0; p < languages.Count; p++)
                cells.Add(p == t ? $"[green]{matrix.Counts[t, p]}[/]" : matrix.Counts[t, p] == 0 ? "[grey].[/]" : matrix.Counts[t, p].ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        Charts.Confusion(matrix.Counts, png, languages);
        console.WriteLine($"wrote {png}");
    }

    /// <summary>One row per word: the most probable language and every language's probability.</summary>
    public static void Predictions(IAnsiConsole console, IReadOnlyList<string> words, IReadOnlyList<string> languages, float[] probabilities)
    {
        var table = new Table();
        table.AddColumn("word");
        table.AddColumn("language");
        foreach (string language in languages) table.AddColumn(new TableColumn(Markup.Escape(Abbreviate(language))).RightAligned());
        int classes = languages.Count;
        for (int n = 0; n < words.Count; n++)
        {
            var p = probabilities.AsSpan(n * classes, classes);
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p);
            var cells = new List<string> { Markup.Escape(words[n]), $"[green]{Markup.Escape(languages[best])}[/]" };
            foreach (float x in p) cells.Add(Percent(x));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    private static string Abbreviate(string language) => language.Length <= 4 ? language : language[..4];
}
