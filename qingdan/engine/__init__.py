"""The engine: rules that run on a compiled Catalog.

``evaluate`` decides a matter or a journey for one applicant's facts (three-valued logic,
explanations citing the articles), through an ``Evaluator`` that keeps what does not
depend on the facts; ``testing`` runs the test cases written as YAML;
``decision_text`` renders a decision for the terminal; ``datafiles`` reads facts and test
files safely.
"""
