"""Pure text matching for UrbanChallenge: rank, explain and de-duplicate with TF-IDF.

Imports only the standard library, numpy, scipy, scikit-learn and PyStemmer; knows nothing of
the web app or its database.

Examples
--------
>>> from matching import Document, TfidfMatcher
>>> m = TfidfMatcher().fit([Document("p1", "Falls", "sensors for older people")])
>>> m.rank("older people")[0].doc_id
'p1'
"""

from matching.matcher import TfidfMatcher
from matching.types import Document, Match, MatchedTerm

__all__ = ["Document", "Match", "MatchedTerm", "TfidfMatcher"]
