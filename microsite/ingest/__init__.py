"""Raw captures -> draft content pages.

    bytes --decode--> text --structure--> title, body, publisher, comments
          --facts--> companies, sources, claims, dates --draft--> content/<slug>.md

Every quote a draft holds is cut from the capture itself, so the draft passes
`check` as written; the researcher corrects and completes it.
"""
