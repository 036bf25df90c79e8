"""Embedded name, nickname, street and occupation lists, so the demo needs no outside data.

First names are grouped by the era people were born in, so a 70-year-old is a Dorothy and a
7-year-old an Ava. Every person built from these lists is a random combination: nobody real.
"""


def _listed(text: str) -> tuple[str, ...]:
    """Split a comma-separated block into a tuple, so long lists stay compact and readable."""
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


def _weighted(text: str) -> tuple[tuple[str, int], ...]:
    """Split "Name:weight" items, for lists drawn with relative frequencies."""
    pairs = (item.rsplit(":", 1) for item in _listed(text))
    return tuple((name.strip(), int(weight)) for name, weight in pairs)


FEMALE_BORN_BEFORE_1960 = _listed("""
    Mary, Patricia, Barbara, Linda, Carol, Susan, Nancy, Margaret, Dorothy, Sandra, Judith,
    Joan, Janet, Elizabeth, Shirley, Helen, Donna, Joyce, Diane, Frances, Virginia, Ruth,
    Marilyn, Gloria, Beverly, Theresa, Kathleen, Catherine, Rosemary, Eleanor, Jean, Lorraine,
    Irene, Dolores, Phyllis, Anna, Evelyn, Constance, Paula, Rita, Jeanne, Claire, Doris,
    Elaine, Sharon, Cheryl, Maureen, Janice, Bernadette, Annette, Jacqueline, Stella, Sophie,
    Halina, Carmen, Gail, Sheila, Martha, Lucille, Yvonne, Gertrude, Alice, Pauline, Wanda,
    Genevieve, Rose, Lillian, Agnes
""")

MALE_BORN_BEFORE_1960 = _listed("""
    Robert, James, John, William, Richard, Charles, Thomas, Donald, George, Joseph, Edward,
    Ronald, Kenneth, Paul, Raymond, Frank, Gerald, Walter, Harold, Roger, Gary, Dennis,
    Lawrence, Henry, Arthur, Francis, Stanley, Eugene, Albert, Leonard, Peter, Frederick,
    Norman, Ralph, Carl, Bruce, Wayne, Roland, Leo, Alfred, Edmund, Stephen, Michael, David,
    Daniel, Philip, Bernard, Chester, Anthony, Louis, Vincent, Angelo, Ernest, Howard, Russell,
    Herbert, Gordon, Francisco, Jose, Miguel, Dominic, Marcel, Gerard, Normand, Theodore,
    Douglas, Casimir, Eduardo
""")

FEMALE_BORN_1960_TO_1989 = _listed("""
    Jennifer, Lisa, Kimberly, Michelle, Amy, Angela, Melissa, Tammy, Heather, Stephanie, Nicole,
    Jessica, Rebecca, Laura, Christine, Karen, Deborah, Julie, Tracy, Dawn, Wendy, Denise, Tina,
    Kelly, Colleen, Erin, Kristen, Sarah, Elizabeth, Rachel, Danielle, Andrea, Maria, Carmen,
    Jacqueline, Christina, Katherine, Amanda, Megan, Shannon, Alicia, Natalia, Svetlana, Olga,
    Tatiana, Yolanda, Monica, Veronica, Holly, Heidi, Kristin, Stacey, Allison, Jill, Erica,
    Anne, Diana, Lauren, Samantha, Ashley, Brittany, Courtney, Lindsay, Hoa, Lan, Aisha, Keisha,
    Latoya, Patricia, Margaret
""")

MALE_BORN_1960_TO_1989 = _listed("""
    Michael, David, Christopher, Mark, Brian, Kevin, Jeffrey, Scott, Steven, Timothy, Jason,
    Matthew, Daniel, Eric, Todd, Sean, Patrick, Keith, Craig, Shawn, Gregory, Anthony, Joseph,
    Andrew, Jonathan, Joshua, Ryan, Justin, Adam, Nicholas, Benjamin, Aaron, Jeremy, Derek,
    Travis, Chad, Jose, Luis, Carlos, Juan, Victor, Sergey, Dmitry, Vitaliy, Igor, Oleksandr,
    Andriy, Tuan, Minh, Hung, Marcus, Darnell, Jamal, Ramon, Hector, Edwin, Wilfredo, Peter,
    Thomas, Richard, John, James, William, Robert, Stephen, Joel, Nathan, Jared, Zachary, Tyler,
    Douglas, Edward
""")

FEMALE_BORN_1990_OR_LATER = _listed("""
    Emma, Olivia, Ava, Sophia, Isabella, Mia, Charlotte, Amelia, Harper, Evelyn, Abigail, Emily,
    Madison, Chloe, Sofia, Avery, Ella, Grace, Lily, Hannah, Natalie, Addison, Brooke, Kaylee,
    Leah, Nora, Riley, Zoe, Savannah, Victoria, Gianna, Aaliyah, Layla, Camila, Valeria,
    Anastasia, Sofiya, Daria, Alina, Katherine, Elizabeth, Margaret, Alexis, Taylor, Morgan,
    Kayla, Hailey, Jasmine, Destiny, Paige, Jordan, Caitlin, Megan, Lauren, Julia, Isabel, Maya,
    Ariana, Naomi, Ruby, Stella, Hazel, Aurora, Penelope, Lucy, Nevaeh, Gabrielle, Samantha,
    Jessica, Rebecca, Natalia
""")

MALE_BORN_1990_OR_LATER = _listed("""
    Liam, Noah, Mason, Ethan, Logan, Lucas, Jackson, Aiden, Oliver, Jacob, Elijah, James,
    Benjamin, Michael, Alexander, Daniel, Matthew, Henry, Sebastian, Owen, Ryan, Nathan, Caleb,
    Dylan, Gavin, Jayden, Mateo, Carter, Landon, Hunter, Connor, Brayden, Wyatt, Colton, Maksym,
    Artem, Isaiah, Angel, Adrian, Xavier, Julian, Christian, Evan, Tyler, Brandon, Austin, Kyle,
    Cody, Zachary, Joshua, Andrew, William, Jack, Samuel, Nicholas, Cameron, Eli, Levi, Ezra,
    Theodore, Miles, Damian, Luis, Kevin, Anthony, Bogdan, Danylo, Robert, Thomas, Joseph,
    Jonathan
""")

SURNAMES = _listed("""
    Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas,
    Moore, Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young,
    Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell, Roberts,
    Turner, Phillips, Campbell, Parker, Evans, Edwards, Collins, Stewart, Morris, Rogers, Reed,
    Cook, Morgan, Bell, Bailey, Cooper, Richardson, Cox, Howard, Ward, Peterson, Gray, James,
    Watson, Brooks, Sanders, Price, Bennett, Wood, Barnes, Ross, Henderson, Coleman, Jenkins,
    Perry, Powell, Long, Patterson, Hughes, Washington, Butler, Simmons, Foster, Bryant,
    Alexander, Russell, Griffin, Hayes, Myers, Ford, Hamilton, Graham, Wallace, West, Cole,
    Hunt, Fisher, Webb, Tucker, Porter, Hicks, Crawford, Boyd, Mason, Warren, Dixon, Burns,
    Gordon, Shaw, Holmes, Rice, Black, Daniels, Palmer, Mills, Grant, Knight, Ferguson, Stone,
    Hawkins, Dunn, Perkins, Hudson, Spencer, Pierce, Hansen, Wagner, Snyder, Carlson, Larson,
    Olson, O'Brien, O'Connor, O'Neil, McCarthy, McCormick, Kennedy, Fitzgerald, Ryan, Walsh,
    Doherty, Donovan, Quinn, Brennan, Flynn, Gallagher, Callahan, Keane, Moriarty, Mahoney,
    Dempsey, Sheehan, Driscoll, Hogan, Lynch, Kane, Murphy, Sullivan, Kelly, Burke, Shea, Rossi,
    Russo, Esposito, Bianchi, Romano, Ricci, Marino, Greco, Bruno, Gallo, Conti, DeLuca,
    Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Caputo, Pellegrino, Santoro, DiMarco,
    Cirillo, Kowalski, Nowak, Wisniewski, Wojcik, Kowalczyk, Kaminski, Lewandowski, Zielinski,
    Szymanski, Wozniak, Dabrowski, Kozlowski, Jankowski, Mazur, Krawczyk, Piotrowski, Grabowski,
    Pawlowski, Michalski, Krol, Sokolowski, Dudek, Zajac, Bartosik, Gagnon, Roy, Cote, Bouchard,
    Gauthier, Morin, Lavoie, Fortin, Gagne, Ouellette, Pelletier, Belanger, Levesque, Bergeron,
    LeBlanc, Paquette, Girard, Simard, Boucher, Caron, Beaudoin, Cloutier, Dufresne, Thibodeau,
    Lapointe, St. Pierre, Desrosiers, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Shevchenko,
    Boyko, Melnyk, Petrenko, Savchuk, Lysenko, Moroz, Popov, Ivanov, Smirnov, Kuznetsov,
    Sokolov, Volkov, Pavlov, Morozov, Ciobanu, Rusu, Munteanu, Lupu, Sidorenko, Zhuk, Babiy,
    Hnatyuk, Rodriguez, Garcia, Martinez, Hernandez, Lopez, Gonzalez, Perez, Sanchez, Ramirez,
    Torres, Flores, Rivera, Gomez, Diaz, Cruz, Morales, Reyes, Ortiz, Gutierrez, Ramos, Vazquez,
    Santiago, Colon, Negron, Rosario, Figueroa, De Jesus, Velez, Medina, Soto, Nieves, Cintron,
    Ayala, Pagan, Feliciano, Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Ngo, Kim, Lee, Park,
    Chen, Wang, Li, Patel, Shah, Singh, Sharma, Gurung, Papadopoulos, Pappas
""")

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Charlie", "Chuck"),
    "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Kenneth": ("Ken", "Kenny"),
    "Ronald": ("Ron", "Ronnie"),
    "Donald": ("Don", "Donnie"),
    "Gerald": ("Jerry", "Gerry"),
    "Lawrence": ("Larry",),
    "Leonard": ("Len", "Lenny"),
    "Raymond": ("Ray",),
    "Frederick": ("Fred", "Freddie"),
    "Francis": ("Frank",),
    "Albert": ("Al", "Bert"),
    "Alfred": ("Al", "Alf"),
    "Walter": ("Walt",),
    "Harold": ("Hal", "Harry"),
    "Henry": ("Hank", "Harry"),
    "Peter": ("Pete",),
    "Philip": ("Phil",),
    "Timothy": ("Tim",),
    "Gregory": ("Greg",),
    "Patrick": ("Pat",),
    "Jeffrey": ("Jeff",),
    "Andrew": ("Andy", "Drew"),
    "Nicholas": ("Nick",),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Alexander": ("Alex",),
    "Zachary": ("Zach",),
    "Jonathan": ("Jon",),
    "Joshua": ("Josh",),
    "Nathan": ("Nate",),
    "Theodore": ("Ted", "Teddy", "Theo"),
    "Vincent": ("Vince", "Vinny"),
    "Dominic": ("Dom",),
    "Stanley": ("Stan",),
    "Eugene": ("Gene",),
    "Douglas": ("Doug",),
    "Jacob": ("Jake",),
    "Oleksandr": ("Sasha", "Alex"),
    "Dmitry": ("Dima",),
    "Casimir": ("Casey",),
    "Elizabeth": ("Liz", "Beth", "Betty", "Lizzie"),
    "Margaret": ("Peggy", "Maggie", "Meg"),
    "Katherine": ("Kathy", "Kate", "Katie"),
    "Catherine": ("Cathy", "Cate"),
    "Kathleen": ("Kathy", "Kath"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Barbara": ("Barb", "Babs"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Deb", "Debbie"),
    "Jennifer": ("Jen", "Jenny"),
    "Jessica": ("Jess",),
    "Rebecca": ("Becky", "Becca"),
    "Christine": ("Chris", "Chrissy"),
    "Christina": ("Tina", "Chris"),
    "Dorothy": ("Dot", "Dottie"),
    "Judith": ("Judy",),
    "Joan": ("Joanie",),
    "Theresa": ("Terry", "Tess"),
    "Frances": ("Fran",),
    "Virginia": ("Ginny",),
    "Eleanor": ("Ellie", "Nell"),
    "Victoria": ("Vicky", "Tori"),
    "Samantha": ("Sam",),
    "Stephanie": ("Steph",),
    "Abigail": ("Abby",),
    "Jacqueline": ("Jackie",),
    "Madison": ("Maddie",),
    "Natalie": ("Nat",),
    "Danielle": ("Dani",),
    "Kimberly": ("Kim",),
    "Amanda": ("Mandy",),
    "Melissa": ("Missy", "Mel"),
    "Anastasia": ("Stacy", "Nastya"),
    "Isabella": ("Bella", "Izzy"),
    "Olivia": ("Liv",),
    "Emily": ("Em",),
    "Alexis": ("Lexi",),
    "Natalia": ("Natasha",),
    "Svetlana": ("Sveta",),
    "Tatiana": ("Tanya",),
    "Daria": ("Dasha",),
    "Caitlin": ("Cait",),
    "Sophia": ("Sophie",),
    "Gabrielle": ("Gabby",),
    "Lillian": ("Lily",),
    "Genevieve": ("Gen",),
}

# Street names as "Name Suffix"; the last word is the suffix departments abbreviate.
STREETS = _listed("""
    Elm Street, North Elm Street, Court Street, Western Avenue, Union Street, Franklin Street,
    Southampton Road, East Main Street, Holyoke Road, Montgomery Road, Little River Road,
    Union Avenue, Russell Road, Arnold Street, Notre Dame Street, Sackett Street, Broad Street,
    Mechanic Street, Washington Street, Pleasant Street, School Street, Orange Street,
    Meadow Street, Lindbergh Boulevard, Root Road, East Mountain Road, Mill Street,
    Summer Street, Chestnut Street, Silver Street, Ashley Street, Bartlett Street,
    Granville Road, Shaker Road, Springdale Road, Falley Drive, Pochassic Road, Buck Pond Road,
    Sibley Avenue, Lockhouse Road, Pioneer Lane, Whip City Drive, Tekoa Terrace,
    Birchwood Circle, Maple Ridge Road, Cobblestone Way, Kestrel Lane, Heron Court,
    Orchard View Drive, Stonegate Place, Quarry Hill Road, Willow Bend Drive, Lantern Lane,
    Fox Run Terrace, Meadowbrook Court, Hilltop Avenue, Riverbend Road, Sugar Maple Lane,
    Partridge Circle, Cedar Knoll Drive, Laurel Brook Road, Harvest Way, Bluebird Lane,
    Old Mill Road, Carriage Place, Juniper Terrace, Saddle Ridge Drive, Summit View Heights,
    Mapleview Parkway
""")

# Streets busy enough to carry apartment buildings.
APARTMENT_STREETS = frozenset(
    _listed("""
    Broad Street, Court Street, East Main Street, Elm Street, Franklin Street, Meadow Street,
    Mechanic Street, North Elm Street, Orange Street, Union Avenue, Union Street,
    Washington Street, Western Avenue
""")
)

STREET_SUFFIX_ABBREVIATIONS = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Court": "Ct",
    "Place": "Pl",
    "Terrace": "Ter",
    "Circle": "Cir",
    "Way": "Way",
    "Boulevard": "Blvd",
    "Parkway": "Pkwy",
    "Heights": "Hts",
}

DIRECTIONAL_ABBREVIATIONS = {"North": "N", "South": "S", "East": "E", "West": "W"}

OCCUPATIONS = _weighted("""
    Teacher:5, Registered Nurse:5, Electrician:2, Plumber:1, Carpenter:2, General Contractor:1,
    HVAC Technician:1, Roofer:1, Truck Driver:3, Police Officer:1, Firefighter:1, Accountant:2,
    Software Engineer:2, Machinist:3, Sales Associate:3, Cashier:3, Retail Manager:2,
    Auto Mechanic:2, Professor:1, Administrative Assistant:4, Paralegal:1, Attorney:1,
    Physician:1, Pharmacist:1, Dental Hygienist:1, Home Health Aide:3,
    Certified Nursing Assistant:3, Cook:2, Server:2, Bartender:1, Hairstylist:1, Landscaper:2,
    Custodian:2, Warehouse Associate:4, Delivery Driver:2, Bank Teller:1, Insurance Agent:1,
    Real Estate Agent:1, Mechanical Engineer:1, Office Manager:2, Social Worker:2, Pilot:1,
    Military:1, Self-Employed:3, Homemaker:3, Unemployed:2, Disabled:2, Tool and Die Maker:1,
    Quality Inspector:1, Librarian:1, Project Manager:2, IT Support Specialist:1,
    Childcare Provider:2, Bus Driver:1, Paraprofessional:2, Customer Service Representative:3,
    Welder:1
""")

# Occupations whose holders pull building permits for other people's homes.
TRADE_OCCUPATIONS = frozenset(
    _listed("""
    Carpenter, Electrician, General Contractor, HVAC Technician, Plumber, Roofer
""")
)

EMAIL_DOMAINS = _weighted("example.com:6, example.net:3, example.org:1")

# Area codes for the fictional 555-01xx lines, weighted toward western Massachusetts.
AREA_CODES = _weighted("""
    413:40, 508:8, 774:8, 617:5, 857:5, 781:4, 339:3, 978:4, 351:3, 860:4, 959:2, 203:2, 475:1,
    401:2, 802:2, 603:2, 207:1, 518:2, 315:1, 607:1, 914:1, 845:1, 212:1, 646:1, 718:1, 917:1,
    347:1, 201:1, 973:1, 732:1, 215:1, 267:1, 610:1, 412:1, 202:1, 305:1, 407:1, 954:1, 561:1,
    813:1, 404:1, 312:1, 214:1, 713:1, 303:1, 602:1, 619:1, 415:1, 206:1
""")
