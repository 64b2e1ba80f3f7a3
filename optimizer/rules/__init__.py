"""The rules: the catalogue of every hard rule and soft goal (id, tier, wording;
:mod:`.catalogue`) and the decisions several stages share, each defined once (:mod:`.definitions`).
In: the scenario's types. Out: rule ids and small pure functions that the constructor, the model,
the checks and the explanations all call."""
