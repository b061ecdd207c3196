from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "index_state" (
    "name" VARCHAR(40) NOT NULL PRIMARY KEY,
    "version" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "index_state" IS 'The version of a shared index, so every app instance knows when to rebuild its copy.';
        CREATE TABLE IF NOT EXISTS "match_job" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(20) NOT NULL,
    "target_id" INT NOT NULL,
    "requested_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "attempts" INT NOT NULL,
    "last_error" TEXT NOT NULL,
    CONSTRAINT "uid_match_job_kind_9f14bb" UNIQUE ("kind", "target_id")
);
COMMENT ON TABLE "match_job" IS 'A request to recompute scores: for one challenge''s proposals, or one start-up''s fits.';
        CREATE TABLE IF NOT EXISTS "api_token" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "api_token" IS 'A Bearer token for the JSON API. Like sessions, only the token''s SHA-256 is stored.';
        CREATE TABLE IF NOT EXISTS "conflict_declaration" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "has_conflict" BOOL NOT NULL,
    "reason" TEXT NOT NULL,
    "declared_at" TIMESTAMPTZ NOT NULL,
    "member_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_conflict_de_proposa_6f0f82" UNIQUE ("proposal_id", "member_id")
);
COMMENT ON TABLE "conflict_declaration" IS 'A member''s declaration on one shortlisted proposal: no conflict, or one with a reason.';
        CREATE TABLE IF NOT EXISTS "panel_invitation" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "accepted_at" TIMESTAMPTZ,
    "accepted_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "invited_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_panel_invit_challen_d11f99" UNIQUE ("challenge_id", "email")
);
COMMENT ON TABLE "panel_invitation" IS 'An invitation to join a panel; its one-time link carries a token whose hash is kept.';
        CREATE TABLE IF NOT EXISTS "panel_member" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "added_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_panel_membe_challen_f039c3" UNIQUE ("challenge_id", "user_id")
);
        CREATE TABLE IF NOT EXISTS "score" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "score" SMALLINT NOT NULL,
    "comment" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "submitted_at" TIMESTAMPTZ,
    "criterion_id" INT NOT NULL REFERENCES "criterion" ("id") ON DELETE CASCADE,
    "member_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_score_proposa_8bc3f9" UNIQUE ("proposal_id", "member_id", "criterion_id")
);
COMMENT ON TABLE "score" IS 'One member''s score (0-10) and comment on one criterion of one proposal.';
        CREATE TABLE IF NOT EXISTS "shortlist_entry" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "added_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_shortlist_e_challen_6099cc" UNIQUE ("challenge_id", "proposal_id")
);
        CREATE TABLE IF NOT EXISTS "match_score" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INT NOT NULL,
    "terms" JSONB NOT NULL,
    "duplicate_score" DOUBLE PRECISION,
    "model_version" VARCHAR(64) NOT NULL,
    "computed_at" TIMESTAMPTZ NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "duplicate_of_id" INT REFERENCES "proposal" ("id") ON DELETE SET NULL,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_match_score_challen_991d94" UNIQUE ("challenge_id", "proposal_id")
);
COMMENT ON TABLE "match_score" IS 'How well one submitted proposal answers one challenge, and why.';
        CREATE TABLE IF NOT EXISTS "startup_fit" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INT NOT NULL,
    "terms" JSONB NOT NULL,
    "model_version" VARCHAR(64) NOT NULL,
    "computed_at" TIMESTAMPTZ NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_startup_fit_organis_7d9f34" UNIQUE ("organisation_id", "challenge_id")
);
COMMENT ON TABLE "startup_fit" IS 'How well one open challenge fits one start-up (its proposals and profile), and why.';
        CREATE TABLE IF NOT EXISTS "audit_event" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "actor_email" VARCHAR(254) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "subject_type" VARCHAR(40) NOT NULL,
    "subject_id" INT,
    "details" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT REFERENCES "challenge" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_audit_event_action_3fd1cc" ON "audit_event" ("action");
CREATE INDEX IF NOT EXISTS "idx_audit_event_created_a87696" ON "audit_event" ("created_at");
        ALTER TABLE "organisation" ADD "description" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "proposal" ADD "awarded_at" TIMESTAMPTZ;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "organisation" DROP COLUMN "description";
        ALTER TABLE "proposal" DROP COLUMN "awarded_at";
        DROP TABLE IF EXISTS "audit_event";
        DROP TABLE IF EXISTS "match_job";
        DROP TABLE IF EXISTS "api_token";
        DROP TABLE IF EXISTS "conflict_declaration";
        DROP TABLE IF EXISTS "shortlist_entry";
        DROP TABLE IF EXISTS "match_score";
        DROP TABLE IF EXISTS "startup_fit";
        DROP TABLE IF EXISTS "panel_invitation";
        DROP TABLE IF EXISTS "score";
        DROP TABLE IF EXISTS "index_state";
        DROP TABLE IF EXISTS "panel_member";"""


MODELS_STATE = (
    "eJztXXlv2zgW/yqE/5kO4BaJm6TdzGIBJ3Gmnk3ibuzs7JGFQst0zIlMaUQpbrA7331J3Q"
    "clS7JsyyqBAo0lPkr6PR7v5n87S32GNPqhb+CJ/oJI5xz8t0PgErE/Uve6oAMNI7zDL1hw"
    "qjmNoYEVK2g2pZYJVYvdmEONInZphqhqYsPCOn9Ipw8uEDSRCRwaMNfZXwsEfhmP7kD/6/"
    "ADuMEvCFBEKSOgXaAT7c1p4bT/gYLxl/773ukZwBRQSzfR7AN/8ExX2ZMxed7iM2yCf7cR"
    "+9hnxBqb7En//g+7jMkMfUPU/2m8KHOMtFkMUTzjHTjXFevNcK4NiXXtNOSvP1VUXbOXJG"
    "xsvFkLnQStMbH41WdEkAktxLu3TJsDTGxN85jhY+6+adjEfcUIzQzNoa1xNnFq9wXCax1F"
    "uRtNlPFgoiidFAt9igji3iWVocnYz16VOl//zF/hfe/45NPJ549nJ59ZE+c1gyuf/nAfHQ"
    "LjEjrw3E06fzj3oQXdFg7GIagOt5QFpIs0uJcLaIrRjVMlUGavn0TZx7S5MC/hN0VD5Nla"
    "sJ9nJzmY/r1/f/mlf//u7ORH/kCdTVV3Et95d3rOLQ57CLNqIg6FAq00zFfsjoWXSAx1nD"
    "IB9cwj/eD/UQV4/0KIfLjs7AD6HKgnw9vBeNK//cq7X1L6u+bg1Z8M+J2ec/UtcfXdWYIt"
    "QSfg1+HkC+A/wb9GdwMHTp1az6bzxLDd5F8d/k7QtnSF6CsFzqKY+Jf9SzE2o28GZt1VYH"
    "OcUrK50WzWILUUm1aaz0naGljtLZSS0/VzmjHKVEoJHhGK9dLHAczbOgQQLtLNX4TyB4cr"
    "je41kxfxM/krenNAHrI3gkRFAlA9MfvB6+bAwP3DHz3+1XA2m3AVyMDRQcW+nX0xslwJrT"
    "++7F8NOg7CU6i+rKA5U2JQ8zt6T09cCdqmby17y+QVSOCzAw7/Cv7OHuoj8xkSTKH32Snl"
    "J3a/m6cA6cmW63SgbIilhtEsDcP5PwVrtm7ht69Hq9j36hnTK47PjgooFqxVpmbh3IurFv"
    "x/5QW9lcXYp2md9rYVlF/Yl4kRHhB7mdqlYmj7tE0e0Z2vDxc3w0vlYnT1z3Ng2FMNq8pU"
    "n709EiZD3U8evp4D9nmmZRtJU1ERnvSKsKSXzZFeiiEmevb2iqKDPqTYHSM6nZ0M+c9F4P"
    "2cDe/nFLwrNKXYKrVwR0haB/DHoyIIs1aZEDv34hhH3yyF8wR9yxA8EmQtwDpPYxz8YxJT"
    "Fn1E3932//FjTGG8Gd397DePcODyZnQhrXGFhz37wNmIaG/eFn4gyrwnbaR0+ZTmma0oxX"
    "VSmh4ZFx7Z9V/vkQYzpl85fbSZlpuUOhqfPAuo8XURbQjRpd/PAc6SQkAZps5GMNQ2xOmr"
    "101bYZpja0OExq5ceo0P0b6WidE2DTdj123bEdhs/FvdPHONY4+ikZYFXNYUPxM0e48JmJ"
    "r6inXwAUwWCKi6/oIRWOjsvQEEJiQzfek6kX9yncpsfBRzWG/hCdKY1CxjknRXS3d1I9br"
    "pgvExf2YFLG5UdGPGaGVrG40qw8rMmGXa2mbuIwN3pp1KJCos7fHOFUL7Enx7fHktMD2eH"
    "KauT3yW/Ht0RF/mWRNBJMpG+Y4Vetg3oqJVMZfyPgLGX+RqcYzHg3JNcSabaKOSJmPNejm"
    "qfRceVYwUeaRxmu1+hFBgBOgmaN8M9W7y9Rtm7ABAAxkAqg6vwBTud3f7jYD9Ff+A1ANzx"
    "h7wIqxX1+lVfr6u5f6fLP0ebRk7C2ziQYE29o/96fG906L6PGsVbaX/DSlyTdZItwf1PWL"
    "hIdlMZH6VXH9qoQLcZt7vSNhCbZ4X/JaY6z3tspC27qMrZTb58EZwbeye8rY1TCqslAI33"
    "FODN9xOojPgJSudLY0lvXopAhbiHivkEGll2NQ6aUNKqauZYzo9XGsPm2Tse5cjh7uLoc3"
    "yuj6eng5uD93FEYVa4o+n2MVmUE8q3I7uL3gDbywVmWJllN+/37w9+HgV37HRK8Yrfi1/t"
    "Xt8O6cKZhLTJJq6n7iXzFle7qFXwXcvNAZoyDJ2FqjdAlOThnhtljp7wy7lTAvRqObmHB5"
    "MUzGBz7wUfDu2IGeNcKuZcffew9VwpdBg+tF/qygwbSL1LONVfWSxshlwmfTNLwov6OJaO"
    "UcDwLKSg6IhjF3y/6HZOLfhn6IZMbhYWFd1B0hGGoxt8Q9mwb3w8tJnl8iZEFQfGbDMMxo"
    "qZsD28AKBar6tW42QykSX9lGkMLocMUTezaDq0yU+IHM5jheGjQxU0wcGDaNqI/21VK8gq"
    "D6eoZXieD6Q0SL3Z1rWLXY4/lAq2WQeV1ehT22dS0zIEEaE9xfseUix63oyNh80PF+h0G3"
    "LR17afSoMGBKIidGzjVHUa681DLgbp3+vgfIFtjYNOeqFGAHubhRVTc3TeEb8z5aC9BCNy"
    "0NU0thy5aJUS0zcex3OmB9vrV0MkJ7hhlqr4hsmtnX5z0NXtEhGk72ktgXqkuCUIGYLpUd"
    "L6DGmtUaLPDvlL3HwhZ76n9kFME+k+ocHqRwzcmn8wma7Alskp+b2sslNEuVaIqQtBDlrS"
    "QLGKbOvn2ZRjm7lkqEpBUo77qSim5bqr4UyZHZmEdpJOgVQKfIfMUqUqCJoHhJWR/Lkeyj"
    "wTG+ncl9/278dXQ/4d1BQg0mQ/OQjIcbRjO6HPZvlMv+/YCHZ7D+FKqrGGqKyj7tkfzaH0"
    "/YnRWkFvv1ZfQwHt79fA4Wuk0ZS1kvw3vlbw/9m+Hkn4wem8rvNtSw9cbaDvo3ky+sKYKa"
    "tXgkvzyMJ8NL1tdvNrUYdI/kavjzcMIePmRMYv2O7s7BDD9jC3Kzh6rZ3M7/SAZ3g/ufWe"
    "ccymdnPS+/WBZaK3OWyuRKqelqhscte0OK0rRi2u5g35/aMyb8Ks9TQ6AH4edMyTVO16Y8"
    "tj/1eh8/fuodfTz7fHry6dPp56NAmk3fyhNrL9jku0sslumgHd1ApErSc5SuhQE7bYrYUD"
    "WdVkpsjxHKvIsm89ipR0oXlaLvkrQy/qrJnA6sruyDKzBbQC753WR+z5CKZ5XmdZxScrnJ"
    "XF5hazEz4apKCG2SVnK6yZz2jDtVzRIR8ko65m442+n/2r+/GlydA8hdNmj2SHjr4CrRLc"
    "W7U0Xfrz9ZhK+V3BqhmAjSstWmU6QtKF2za5MdE0HJTHGiFASWgLx8nQTlDjN2gisyZad9"
    "FoAWp+zYxqwi1+OUkutN4bpA8kiHunozdvpWLm0nRSeTdgRm1L1nRTVuJrU5LappYNefFy"
    "VeOWpAul0HPyQBTi2WMXjZW4C7h5ubYmln+8x8OZQBnhinTNA1scDlXwoqt5f2woQ0/Iyn"
    "mDvxFfbWtIbhNQi7/JvXY1vRk4eWVEtu2RCu0nktB4yal6VRA2Itz9DwfVmbIVU65eAgwV"
    "pCS10odSS13PKeWp3ZIk9ckjksTc5hiQnzojyWpLSfk8uSalrgpCr39NsucIyB3JmDgJP6"
    "BaZvwFogoK8ILyvNT8cFcM6kaedqkDYDePCY+ISqGnuWpTgblkSDvgk26my/mt++FaG0u3"
    "anScdOJVY026Sf9uSwm0x4LWdwjtFIW77AKervJiX9JAkyacVfb8WPZdJuaFhu43G53aR5"
    "OTHGxGetpFcIabdfA2xsUSxts9+qsB+Yo0WCftRWnSPkx5qtF/AJQK9Qsx2dAATEPwEYSt"
    "o/ULBiA2hhUUBtflgsOD46Ekj0G3UlTJCPrRkOHjI5fp9yvSwBH6bIFUraPs5J2j5OJ21H"
    "3ywFc15YYoxMhiSW1qHcRanEihESSNlPIFcz5QeLR3EmolGS3WF6dCCASkVFKioNlaeLKS"
    "pFomBkGbYdexdEsRwC1SMj5CNbCRGFnRR1OLwh+l433xMd+JRMgyB0hTh84Onphejqi25b"
    "invx6QmYtoYo0zL8cA3A7oocDjX2LB0OzVJMooOsqHISpWmhgrKVqlKJKSJYqvPSdwTUO0"
    "zh2Y+focYMHilUS6G60Su0FKobKFS7a219Qb/9YO1uCfS7krA94PLl6xDdYtJ1uJPWXZzW"
    "iEQtB6KSNL/vU8qtJHRJWauSrOWN/nKSQYJKCgYCZP21pByyCSqJ7HqRK7qAbyhxtTCDJS"
    "lwJabu+miLbJNDaXjbnVKVRDoxlctKttuU1oJxLhDSonMgWzaLTrq6JbKYDhVLipZimTwy"
    "oCFmx90eGZAdE9G2IwN2HRHBljhTh+qiDOZRGgl6BdDx0uD7RQnIQwoJeAXALQRLHZHht5"
    "dgV0lU0WmF8u9RqjapfTsu/s4zeDRMBHJKzmiP0MgRX+VwEnu6xFa15KwkrSz12uTsLFnU"
    "93vhtFfLtgKf45SSy03mskyqzZZfDrNupqyW+j1yXTDZ07XkZBjQ9kKsZCVaWYn2sBCWUW"
    "y7iWITF6CVxX6rAC2L/R5Qsd90/J6MzixY9Vcncw2rFns8L2ZWS7Vkr8ursMe2oifT64oW"
    "GVUQYd1tjNV3UWx0ZhsarymYsY9srdrogWwkMaxkYdb9ReKLFnpRmR3xfpBTcEewJzkUBX"
    "Jd3erPP1AQoQXOPwSCxQjNgvxT9lE68B/YBbrptOT+AwCBeyaZKPF1W49ZmzfgPliGp+01"
    "PG0BqeIzU7Do5OUOJEllBkHxDILypwvKQwU3cLW7S1vVw3OjpC003h+usT7to3H3lHLmzh"
    "iNNHTKfCeZldOIBan+rJxlcArKbsyZhwpsbEXMMBXvKQcncfyPKBUnfUJQTkZO4nSigroZ"
    "ASEJr1P6m44JrwTEe/sJYItyneg9lweAhskLUKHJLUasiaW/IAJWC50iwAToBcAUvCBDVJ"
    "JoSw9Znz2ElhBrUi/bq17m8iCFa3baUEDQiljcxDHvpycF0oZYq+yD3vm9RMwznyQKnx5l"
    "YI5T1YP1fgdyDOmzIkCfZeN8loJZxsqt245boXihbwZm3VVgc5xSsrnRbIaqyuSIagHOcV"
    "IZ4XwQfC4bmpcmlLF5srbcLrF1lKYKIzdFJweuDHncZcij0GQVjsrdma0aNoaLgpuawBlR"
    "eBn7nMR33dFIqa29UecjRc+5zjILhsdgrzMJhqbirRbqsamMgNizpU0aKNatDO3QaPjpwe"
    "XVmTiVFAmlLrNLbPn2UA7WCIVEVCow+1dgbCo97utxjUzbAqlZ/q4kVZZ1Kkt8+26UvuLG"
    "5ws0lSBwP1tHoUGTtbEKI4LCEG+HDrw7en989COAZAZUfblExPLjvYNzWYE+dy74ITbp8I"
    "Sa+n0kj6QPZiacW8AmFtbA01O0uNHTEw9eoMjiJ8W6zwPufQrYUuT3DHnH8JEEZzH5OlcX"
    "sJ4ZzWqB1QVgV9x3ZcTsheeYeJ9WNFi9Gz1DV+pt+9TbgjkQx3W8ZMMiE9yAqE3C0cfep7"
    "MAXf4jD9jxbf/mRiDFuxM2jWd2RHqERIaklw5Jl9VkKrHi0MwOssjf98LpQC4oW8smTtam"
    "jak2O4hM69gGqjKtQ6Z1NFBpl2kde0zrEO5odRhHo321FN/kVt6kw2sS5UZEZqdUQZIc+1"
    "OsFsrb1t3kwQIqTS7SVd7kNaIVmox0lUtX+cFhK5UZ6TJvplRY2mUu1cUy+JZWF6X3vCCy"
    "TfaeDzl0YwtaQhd65G43T49xGKDQoOFab/pkgcArMqnnyoaALnhxIOB01AVUB4jdfgPske"
    "yaO3zACxO0KFgtkJPGb6KpjbWZk8Cv6sZb2rW+rYcI9Kyi6pTzf2q+ZKdJ++1blyB9UuQA"
    "y5Ps8ytPvOMrs5Usj/MlhJgIxe4EmKMGSy/Sz1pmHzhYnTUlpO5nK3Kqrf6iT0UbUXAvdx"
    "tyK7/+5jUrUBrURM452e5Kr+pLw7b8wCZG5ZXkDATPH2gQb0WDgp1s2zCt97bBbs7ZLiGq"
    "DLqFp/Bwr6enFzbg3cCux1A8fuxwoseOQ2Ibj52fwNMT+5ttVkwAYc158FbQ2nlApK4965"
    "lHpBmIzNj7A4Yl+9sELv0530PZF5BZ8E2rBdaQ84rsLXwqzIvnEP29bmQHhfF3d5nnvZm0"
    "Se7VJunzo6hk4rdvY5mcIrJJztna6aO1w0FefODGaKRBRVj81VmDKgklSVopljROLImFf/"
    "HNrFrwV4xShn41mcvQstDSsARV+7O9JRESqbQlV0gNcteyaeqCqI7sgOQ4lYxJLhST3CQl"
    "KjMlJn6gxTpFqkR2zBd9BVZI01xlxY+3DRQZ4J3AFNd0uk6Ky2ohMN3V0J+MhmjUolQ6Ae"
    "Va02HJ7JM5J2mXpHY1eri4GYCv94PL4Xg4uotv2s5Nfik8I+F+0L9JysmQvJQYt35zqXMI"
    "dlQLmUuBfPLLeHSXocb5BEnRE6sW+B/gwV9b20//PLeJ6pQ95l4MCxP6gT/vL3vYZzlA+f"
    "tscktNyJe8g9RxFP6pWEr5NURAW3E1ORyFoI7FxJEWlEznSrbBKEXYQsvRFsr+uubiSrGC"
    "cVJp4Wi07itj2ra3aYdrvT4vB6+AUgZkyqBBGTTYjJVfBg3uGd/SQYPRBXW3EDdsCS6KsG"
    "AHalQA4dgNM7jGVkeUDBXe7eYmQrnt2EOtCgZH3UAkEtIw9870CaImwDt+JYiqcMyE7Ncc"
    "a+jHokbI+p4hNExGYzB4o3Chl8ZJaZxswEIljZNNHbzSOLnpON6KcVIayqShrCngS0OZNJ"
    "QV2UCiUmg5eAWUEuH19pyk2L+hOjxKdHdgYBfViQWDbb3lQZrOtmE624/RoW/PsDV4RURo"
    "dIjc7eYZHSBvp6CgYa2VV6TWvketnXFRN5XSZ/8myFoQ+biD83+hKt68cmHesmazx4N/i+"
    "SOnGXnjpylckeoPf0NqZYLUgmUk3Qt1CLrSiJOg11qVY4TSf+wwAGPLLamljJNRUiaYZzi"
    "j22NceqwKpDtcjlvk6nElWdKnjscksiVrFmlx1oIbY5pxBmJNejqLa8tFJmvBc5p3ZcR5E"
    "DRbbQNBJlYXXRE9g/3TjfX9hG2kWaPQ1oxuzlmjwrOxna7GXunp4UMHqc5Bo/TlMGDTaoS"
    "CHvNW4ju8VER/Zu1ykTXuZf04xJLeIBStqoYIdm9qrgfVaQ2pXCvact//B9ZhFQc"
)
