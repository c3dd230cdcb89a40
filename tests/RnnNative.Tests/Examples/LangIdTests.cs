using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Tests.Examples;

/// <summary>The pieces of <c>rnn langid</c>: corpus preparation, encoding, baselines and metrics, against hand-checked values.</summary>
public class LangIdTests
{
    [Fact]
    public void CorpusNormalisesFiltersDropsSharedWordsAndBalances()
    {
        string[] a = ["Haus", "haus", "Maus", "it's", "ab cd", "x-y", "über", "Baum", "Lampe", "Tisch", "verylongword", "casa"];
        string[] b = ["CASA", "perro", "gato", "mesa", "silla", "libro", "mano"];
        var options = new LangIdCorpusOptions { WordsPerLanguage = 100, MaxLength = 6, TestFraction = 0.25, Seed = 7 };
        var corpus = LangIdCorpus.FromWordLists(["a", "b"], [a, b], options);

        // a: haus maus über baum lampe tisch (casa shared, the rest not all letters or longer than 6); b: 6 left after casa.
        Assert.Equal([6, 6], corpus.UsableWords);
        Assert.Equal(1, corpus.SharedWordsDropped);
        Assert.Equal(6, corpus.WordsPerLanguage);
        Assert.Equal(2 * 1, corpus.Test.Count);      // floor(6 * 0.25) = 1 per language
        Assert.Equal(2 * 5, corpus.Train.Count);
        var all = corpus.Train.Concat(corpus.Test).ToArray();
        Assert.Equal(["baum", "haus", "lampe", "maus", "tisch", "über"], all.Where(w => w.Language == 0).Select(w => w.Word).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(all, w => w.Word == "casa");
        Assert.Equal(all.Length, all.Select(w => w.Word).Distinct().Count());

        var again = LangIdCorpus.FromWordLists(["a", "b"], [a, b], options);
        Assert.Equal(corpus.Test, again.Test);
        Assert.Equal(corpus.Train, again.Train);
    }

    [Fact]
    public void CorpusRejectsTooFewWordsNamingTheLanguage()
    {
        var e = Assert.Throws<ArgumentException>(() => LangIdCorpus.FromWordLists(["many", "few"],
            [["aa", "bb", "cc", "dd"], ["zz"]], new LangIdCorpusOptions { TestFraction = 0.5 }));
        Assert.Contains("'few' has only 1 usable words", e.Message);
    }

    [Fact]
    public void VocabularyEncodesOneHotRowsWithLengthsAndUnknownColumn()
    {
        var vocabulary = new CharVocabulary(["ba", "ca"]);
        Assert.Equal("abc", vocabulary.Characters);
        Assert.Equal(4, vocabulary.Size);
        var data = vocabulary.Encode([new LabeledWord("cab", 1), new LabeledWord("z", 0)], maxLength: 4, classes: 2);
        Assert.Equal([3, 1], data.Lengths!);
        Assert.Equal([1, 0], data.Labels);
        var expected = new float[2 * 4 * 4];
        expected[0 * 4 + 3] = 1; // c
        expected[1 * 4 + 1] = 1; // a
        expected[2 * 4 + 2] = 1; // b
        expected[16 + 0] = 1;    // z: unknown
        Assert.Equal(expected, data.Features);
        Assert.Equal("abc", CharVocabulary.FromCharacters(vocabulary.Characters).Characters);

        var e = Assert.Throws<ArgumentException>(() => vocabulary.Encode([new LabeledWord("abcab", 0)], 4, 2));
        Assert.Contains("'abcab' has 5 characters", e.Message);
    }

    [Fact]
    public void NaiveBayesMatchesHandComputedScores()
    {
        LabeledWord[] train = [new("ab", 0), new("aa", 0), new("bc", 1)];
        var bayes = new CharNGramNaiveBayes(train, classes: 2, maxOrder: 1);
        // class 0 counts a:3 b:1 (total 4), class 1 b:1 c:1 (total 2); |F| = 3 {a, b, c}; alpha = 1; priors 2/3, 1/3.
        var scores = bayes.Scores("ab");
        Assert.Equal(Math.Log(2.0 / 3) + Math.Log(4.0 / 7) + Math.Log(2.0 / 7), scores[0], 12);
        Assert.Equal(Math.Log(1.0 / 3) + Math.Log(1.0 / 5) + Math.Log(2.0 / 5), scores[1], 12);
        Assert.Equal(0, bayes.Predict("ab"));
        // z was never seen: ignored; c: class 0 (0+1)/7, class 1 (1+1)/5.
        Assert.Equal(Math.Log(1.0 / 3) + Math.Log(2.0 / 5), bayes.Scores("cz")[1], 12);
        Assert.Equal(1, bayes.Predict("cz"));
        Assert.Equal(["a", "b", "^a", "ab", "b$"], CharNGramNaiveBayes.Features("ab", 2));
    }

    [Fact]
    public void MajorityAndConfusionMatrixCountRight()
    {
        Assert.Equal(1, new MajorityClassBaseline([1, 2, 1, 0], 3).Class);
        Assert.Equal(0, new MajorityClassBaseline([2, 0], 3).Class); // tie: lowest index
        var m = ConfusionMatrix.From([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2], 3);
        Assert.Equal(new[,] { { 1, 1, 0 }, { 0, 2, 1 }, { 0, 0, 1 } }, m.Counts);
        Assert.Equal(4.0 / 6, m.Accuracy);
        Assert.Equal(0.5, m.ClassAccuracy(0));
        Assert.Equal(2.0 / 3, m.ClassAccuracy(1));
        Assert.Equal(3, m.ClassTotal(1));
    }

    [Fact]
    public void TinyClassifierLearnsWithSequenceLengths()
    {
        var corpus = LangIdCorpus.FromWordLists(["ka", "sch"], [LangIdTestWords.Make("ka", 80), LangIdTestWords.Make("sch", 80)],
            new LangIdCorpusOptions { MaxLength = 10, Seed = 3 });
        var vocabulary = new CharVocabulary(corpus.Train.Select(w => w.Word));
        var (train, test) = (vocabulary.Encode(corpus.Train, 10, 2), vocabulary.Encode(corpus.Test, 10, 2));
        var options = LangIdModel.Options(new SequenceClassifierOptions { Cell = CellType.Gru, Units = 12, LearningRate = 0.01f }, vocabulary, 10, 2);
        var model = new SequenceClassifier(options);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var history = new Trainer(model, session, new TrainerOptions { Epochs = 4, BatchSize = 16 }).Fit(train, test);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss * 0.8, $"loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");

        // The in_top_k accuracy of the graph and the confusion matrix of arg-max predictions agree.
        var evaluation = new Evaluator(model, session, 7).Evaluate(test, withPredictions: true);
        var matrix = ConfusionMatrix.From(test.Labels, evaluation.Predictions!, 2);
        Assert.Equal(evaluation.Correct, matrix.Correct);
        Assert.Equal(test.Count, matrix.Total);
        Assert.True(matrix.Accuracy > 0.8, $"accuracy {matrix.Accuracy}");
    }
}

/// <summary>Made-up words of two "languages" that differ in their syllables.</summary>
internal static class LangIdTestWords
{
    private static readonly string[] Ka = ["ka", "to", "mi", "ra", "lu"];
    private static readonly string[] Sch = ["sch", "ei", "en", "ck", "ung"];

    /// <summary>Writes the word lists "ka" and "sch" of <paramref name="count"/> words each into a new folder <paramref name="lists"/>.</summary>
    public static string WriteLists(string lists, int count)
    {
        Directory.CreateDirectory(lists);
        File.WriteAllLines(Path.Combine(lists, "ka"), Make("ka", count));
        File.WriteAllLines(Path.Combine(lists, "sch"), Make("sch", count));
        return lists;
    }

    /// <summary><paramref name="count"/> distinct words of 1–3 syllables of the language named <paramref name="language"/>.</summary>
    public static string[] Make(string language, int count)
    {
        var syllables = language == "ka" ? Ka : Sch;
        var words = new List<string>();
        for (int i = 0; words.Count < count; i++)
        {
            int n = 1 + i % 3, code = i;
            string word = "";
            for (int k = 0; k < n; k++, code /= syllables.Length) word += syllables[code % syllables.Length];
            if (!words.Contains(word)) words.Add(word);
        }
        return words.ToArray();
    }
}
